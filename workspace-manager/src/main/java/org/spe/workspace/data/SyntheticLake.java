package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;
import static org.spe.workspace.data.RandomColumns.pick;
import static org.spe.workspace.data.RandomColumns.uniformIndex;
import static org.spe.workspace.data.RandomColumns.zipfIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.spe.core.SpeException;
import org.spe.core.catalog.ColumnClass;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.ColumnType;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.Generalisation;
import org.spe.core.catalog.GeneralisationKind;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.catalog.SourceDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synthetic health-data lake: NDB-like monthly claims, DPC inpatient episodes, 介護DB care
 * records and a cancer registry, written as Parquet and shaped like the Japanese public databases
 * (see {@code docs/data-lake.md}). Every value is a deterministic hash-based function of the seed
 * and the patient number, so the same seed gives the same lake and the same common person ID in
 * every source; generation streams from {@code spark.range(patients)} with bounded memory.
 */
public final class SyntheticLake {
    public static final String NDB_CLAIMS = "ndb_claims";
    public static final String DPC_EPISODES = "dpc_episodes";
    public static final String KAIGO_CARE = "kaigo_care";
    public static final String CANCER_REGISTRY = "cancer_registry";

    /** The largest lake {@link #generate} accepts. */
    public static final long MAX_PATIENTS = 100_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticLake.class);
    private static final LocalDate REFERENCE_DATE = LocalDate.of(2024, 4, 1);
    private static final LocalDate FIRST_SERVICE_MONTH = LocalDate.of(2021, 4, 1);
    private static final int SERVICE_MONTHS = 36;
    private static final long PATIENTS_PER_PARTITION = 200_000L;

    /** Prefecture codes (JIS X 0401) with populations in units of 100,000 (2020 census, rounded). */
    private static final int[] PREFECTURE_POPULATION = {
        52, 12, 12, 23, 10, 11, 18, 29, 19, 19, 73, 63, 141, 92, 22, 10, 11, 8, 8, 20, 20, 36, 75, 18,
        14, 26, 88, 55, 13, 9, 6, 7, 19, 28, 13, 7, 10, 13, 7, 51, 8, 13, 17, 11, 11, 16, 15
    };
    private static final String[] PREFECTURES_BY_POPULATION = prefecturesByPopulation();

    /** Outpatient diagnoses (ICD-10), most frequent first. */
    private static final String[] COMMON_DIAGNOSES = {
        "I10", "E78", "E11", "J06", "K21", "M54", "J30", "K29", "H52", "L20", "M17", "N18", "I48", "I25", "J45",
        "F32", "G47", "E03", "K59", "H40", "M81", "F41", "I50", "J44", "B18", "N40", "E66", "G30", "I63", "K80",
        "C18", "C16", "C34", "C50", "C61", "N39", "L40", "M06", "H25", "E05", "D50", "K25", "I70", "A09", "R51"
    };
    /** Designated intractable diseases (指定難病) and other rare conditions, by ICD-10. */
    private static final String[] RARE_DIAGNOSES = {
        "G12.2", "E75.2", "G71.0", "M32.1", "D69.3", "G35", "K50.9", "E84.9", "Q87.4", "D61.9", "I27.0", "M33.1",
        "G70.0", "E70.0", "G10"
    };
    private static final String[] SURNAMES = {
        "サトウ", "スズキ", "タカハシ", "タナカ", "ワタナベ", "イトウ", "ヤマモト", "ナカムラ", "コバヤシ", "カトウ",
        "ヨシダ", "ヤマダ", "ササキ", "ヤマグチ", "マツモト", "イノウエ", "キムラ", "ハヤシ", "シミズ", "ヤマザキ"
    };
    private static final String[] GIVEN_NAMES = {
        "ヒロシ", "タカシ", "マコト", "ケンジ", "アキラ", "ユウキ", "ショウタ", "ダイスケ", "イチロウ", "ハルト",
        "ヨウコ", "ケイコ", "ユミコ", "サチコ", "アイ", "ミサキ", "ユイ", "サクラ", "ハナコ", "メグミ"
    };
    /** YJ codes (薬価基準収載医薬品コード), most prescribed first. */
    private static final String[] DRUG_CODES = {
        "2149044F1021", "2189016F1027", "3969007F1024", "2325003F1020", "1149019C1031", "2171014G1020",
        "3399007H1021", "2144002F1024", "1124017F1037", "3969010F1021", "2190028F1026", "2449013Q1036",
        "1179038F1025", "6132016C1029", "2399013F1021", "4490023F1026", "2329023F1022", "1141007C1075",
        "3311401A1027", "6250021F1026", "4291011F1020", "4291029F1024", "2646724M1021", "3999018F1026"
    };
    /** 診療行為コード, most frequent first. */
    private static final String[] PROCEDURE_CODES = {
        "112007410", "111000110", "120001210", "160000310", "160008010", "113001810", "170000410", "160061710",
        "140000610", "150000490", "160022510", "180016110", "190117710", "170011810", "150285010", "160095710"
    };
    /** DPC codes (診断群分類), most frequent first. */
    private static final String[] DPC_CODES = {
        "050050xx99100x", "040081xx99x0xx", "060100xx02xxxx", "110310xx99xxxx", "160800xx01xxxx",
        "050130xx99000x", "010060x2990401", "040040xx99040x", "060340xx03x00x", "120170x199xxxx",
        "070230xx01xxxx", "030400xx99xxxx", "060035xx010000", "100070xx99x100", "040110xxxxx0xx",
        "110280xx99000x", "050210xx97000x", "060020xx04xxxx", "170040xxxxxxxx", "080010xxxx0xxx"
    };
    private static final String[] CARE_LEVELS = {"要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"};
    private static final String[] CARE_SERVICES = {
        "通所介護", "訪問介護", "福祉用具貸与", "居宅介護支援", "訪問看護", "短期入所生活介護", "介護老人福祉施設", "通所リハビリテーション"
    };
    /** Cancer sites (ICD-10 C codes), most frequent first. */
    private static final String[] CANCER_SITES = {
        "C18", "C34", "C16", "C50", "C61", "C22", "C25", "C20", "C67", "C54", "C64", "C73", "C15", "C23", "C91",
        "C85", "C56", "C53", "C71", "C43", "C45", "C40", "C47", "C49"
    };
    private static final String[] STAGES = {"0", "I", "II", "III", "IV", "不明"};

    private SyntheticLake() {}

    /**
     * The catalog entries of the four datasets, every column classified, with the facility column and
     * the generalisations used by ANONYMISED extracts. Pure; thread-safe.
     */
    public static List<Dataset> catalog() {
        Generalisation rare = new Generalisation(GeneralisationKind.RARE_CATEGORY, Map.of("minPersons", "10"));
        Generalisation topBottom = new Generalisation(GeneralisationKind.TOP_BOTTOM_CODE, Map.of("lowerQuantile", "0.01", "upperQuantile", "0.99"));
        Generalisation yearMonth = Generalisation.of(GeneralisationKind.DATE_TO_YEAR_MONTH);
        Generalisation shift = new Generalisation(GeneralisationKind.DATE_SHIFT, Map.of("maxShiftDays", "30"));
        Generalisation drop = Generalisation.of(GeneralisationKind.DROP);

        Dataset ndb = new Dataset(NDB_CLAIMS, "NDB レセプト (医科・調剤) 月次明細", SourceDatabase.NDB, 1, NDB_CLAIMS, List.of(
                ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "共通ID: the common person ID used for linkage"),
                ColumnSpec.of("kana_name", ColumnType.STRING, ColumnClass.DIRECT_IDENTIFIER, "氏名カナ: patient name in katakana"),
                ColumnSpec.of("insurer_number", ColumnType.STRING, ColumnClass.DIRECT_IDENTIFIER, "保険者番号 + 記号番号 stand-in: 8 digits"),
                ColumnSpec.of("birth_date", ColumnType.DATE, ColumnClass.QUASI_IDENTIFIER, "生年月日")
                        .anonymisedBy(Generalisation.of(GeneralisationKind.AGE_BAND_5_YEARS)),
                ColumnSpec.of("sex", ColumnType.STRING, ColumnClass.QUASI_IDENTIFIER, "性別: 1 male, 2 female"),
                ColumnSpec.of("prefecture_code", ColumnType.STRING, ColumnClass.QUASI_IDENTIFIER, "都道府県コード (JIS X 0401, 2 digits) of the facility"),
                ColumnSpec.of("facility_id", ColumnType.STRING, ColumnClass.OTHER, "医療機関コード (10 digits)").anonymisedBy(rare),
                ColumnSpec.of("service_month", ColumnType.DATE, ColumnClass.OTHER, "診療年月 (first day of the month)").anonymisedBy(yearMonth),
                ColumnSpec.of("diagnosis_code", ColumnType.STRING, ColumnClass.SENSITIVE, "傷病名 (ICD-10), rare diseases included").anonymisedBy(rare),
                ColumnSpec.of("drug_code", ColumnType.STRING, ColumnClass.SENSITIVE, "医薬品 YJ コード").anonymisedBy(rare),
                ColumnSpec.of("procedure_code", ColumnType.STRING, ColumnClass.OTHER, "診療行為コード").anonymisedBy(rare),
                ColumnSpec.of("points", ColumnType.INTEGER, ColumnClass.OTHER, "請求点数 (1 point = 10 yen)").anonymisedBy(topBottom)),
                Optional.of("facility_id"));

        Dataset dpc = new Dataset(DPC_EPISODES, "DPC 入院エピソード", SourceDatabase.DPC, 1, DPC_EPISODES, List.of(
                ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "共通ID: the common person ID used for linkage"),
                ColumnSpec.of("facility_id", ColumnType.STRING, ColumnClass.OTHER, "医療機関コード of the DPC hospital").anonymisedBy(rare),
                ColumnSpec.of("admission_date", ColumnType.DATE, ColumnClass.OTHER, "入院日").anonymisedBy(shift),
                ColumnSpec.of("discharge_date", ColumnType.DATE, ColumnClass.OTHER, "退院日").anonymisedBy(shift),
                ColumnSpec.of("length_of_stay", ColumnType.INTEGER, ColumnClass.OTHER, "在院日数").anonymisedBy(topBottom),
                ColumnSpec.of("dpc_code", ColumnType.STRING, ColumnClass.SENSITIVE, "DPC コード (診断群分類, 14 characters)").anonymisedBy(rare),
                ColumnSpec.of("main_diagnosis", ColumnType.STRING, ColumnClass.SENSITIVE, "主傷病名 (ICD-10)").anonymisedBy(rare),
                ColumnSpec.of("cost_yen", ColumnType.LONG, ColumnClass.OTHER, "医療費 (yen)").anonymisedBy(topBottom)),
                Optional.of("facility_id"));

        Dataset kaigo = new Dataset(KAIGO_CARE, "介護DB 介護給付費明細", SourceDatabase.KAIGO_DB, 1, KAIGO_CARE, List.of(
                ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "共通ID: the common person ID used for linkage"),
                ColumnSpec.of("provider_id", ColumnType.STRING, ColumnClass.OTHER, "介護事業所番号 (10 digits)").anonymisedBy(rare),
                ColumnSpec.of("care_level", ColumnType.STRING, ColumnClass.SENSITIVE, "要介護度: 要支援1–2, 要介護1–5"),
                ColumnSpec.of("service_type", ColumnType.STRING, ColumnClass.OTHER, "サービス種類"),
                ColumnSpec.of("service_month", ColumnType.DATE, ColumnClass.OTHER, "サービス提供年月 (first day of the month)").anonymisedBy(yearMonth),
                ColumnSpec.of("units", ColumnType.INTEGER, ColumnClass.OTHER, "単位数").anonymisedBy(topBottom)),
                Optional.of("provider_id"));

        Dataset cancer = new Dataset(CANCER_REGISTRY, "全国がん登録", SourceDatabase.CANCER_REGISTRY, 1, CANCER_REGISTRY, List.of(
                ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "共通ID: the common person ID used for linkage"),
                ColumnSpec.of("facility_id", ColumnType.STRING, ColumnClass.OTHER, "届出医療機関コード").anonymisedBy(drop),
                ColumnSpec.of("site_code", ColumnType.STRING, ColumnClass.SENSITIVE, "部位 (ICD-10 C code)").anonymisedBy(rare),
                ColumnSpec.of("stage", ColumnType.STRING, ColumnClass.SENSITIVE, "進展度: 0, I–IV, 不明"),
                ColumnSpec.of("diagnosis_date", ColumnType.DATE, ColumnClass.OTHER, "診断日").anonymisedBy(yearMonth),
                ColumnSpec.of("vital_status", ColumnType.STRING, ColumnClass.SENSITIVE, "生存状況: 生存 or 死亡"),
                ColumnSpec.of("vital_status_date", ColumnType.DATE, ColumnClass.OTHER, "生存確認日 or 死亡日").anonymisedBy(yearMonth)),
                Optional.of("facility_id"));
        return List.of(ndb, dpc, kaigo, cancer);
    }

    /**
     * The default allowed linkages between the sources (after the MHLW table of allowed pairs): NDB
     * with 介護DB, DPC and the cancer registry; 介護DB with DPC; DPC with the cancer registry.
     */
    public static List<LinkageRule> linkageRules() {
        return List.of(
                new LinkageRule(SourceDatabase.NDB, SourceDatabase.KAIGO_DB),
                new LinkageRule(SourceDatabase.NDB, SourceDatabase.DPC),
                new LinkageRule(SourceDatabase.KAIGO_DB, SourceDatabase.DPC),
                new LinkageRule(SourceDatabase.NDB, SourceDatabase.CANCER_REGISTRY),
                new LinkageRule(SourceDatabase.DPC, SourceDatabase.CANCER_REGISTRY));
    }

    /**
     * Generates the lake for {@code patients} persons under {@code out} (one folder of Parquet files
     * per dataset, named by {@link Dataset#path()}). Blocking; runs Spark jobs on {@code spark}.
     *
     * @return the rows written per dataset, in catalog order
     * @throws SpeException INVALID_INPUT if patients is out of range or {@code out} exists and is not empty
     */
    public static LakeSummary generate(SparkSession spark, long patients, long seed, Path out) {
        requireNonNull(spark, "spark is null");
        requireNonNull(out, "out is null");
        if (patients < 1 || patients > MAX_PATIENTS) {
            throw SpeException.invalid("patients must be between 1 and %d: %d", MAX_PATIENTS, patients);
        }
        requireEmptyOrAbsent(out);
        var generator = new Generator(spark, patients, seed);
        Map<String, org.apache.spark.sql.Dataset<Row>> tables = new LinkedHashMap<>();
        tables.put(NDB_CLAIMS, generator.claims());
        tables.put(DPC_EPISODES, generator.dpcEpisodes());
        tables.put(KAIGO_CARE, generator.careRecords());
        tables.put(CANCER_REGISTRY, generator.cancerRegistry());
        Map<String, Long> rows = new LinkedHashMap<>();
        for (var entry : tables.entrySet()) {
            Path target = out.resolve(entry.getKey());
            long started = System.nanoTime();
            entry.getValue().write().mode(SaveMode.ErrorIfExists).parquet(target.toString());
            long count = spark.read().parquet(target.toString()).count();
            rows.put(entry.getKey(), count);
            LOG.info("datagen wrote {} ({} rows) in {} ms", entry.getKey(), count, (System.nanoTime() - started) / 1_000_000);
        }
        return new LakeSummary(patients, seed, out, rows);
    }

    private static void requireEmptyOrAbsent(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw SpeException.invalid("output %s exists and is not a directory", out);
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw SpeException.invalid("output directory %s is not empty; choose a new one", out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out, e);
        }
    }

    private static String[] prefecturesByPopulation() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < PREFECTURE_POPULATION.length; i++) {
            for (int j = 0; j < PREFECTURE_POPULATION[i]; j++) {
                codes.add(String.format("%02d", i + 1));
            }
        }
        return codes.toArray(String[]::new);
    }

    /** Builds the tables' plans; nothing runs until they are written. */
    private static final class Generator {
        private final SparkSession spark;
        private final long patients;
        private final long seed;
        private final RandomColumns random;
        private final long clinics;
        private final long hospitals;
        private final long careProviders;

        Generator(SparkSession spark, long patients, long seed) {
            this.spark = spark;
            this.patients = patients;
            this.seed = seed;
            this.random = new RandomColumns(seed);
            this.clinics = Math.max(20, Math.min(100_000, patients / 100));
            this.hospitals = Math.max(10, Math.min(1_700, patients / 2_000));
            this.careProviders = Math.max(10, Math.min(50_000, patients / 300));
        }

        /** One row per person with the attributes every source shares. */
        private org.apache.spark.sql.Dataset<Row> persons() {
            int partitions = (int) Math.max(2, Math.min(1_000, (patients + PATIENTS_PER_PARTITION - 1) / PATIENTS_PER_PARTITION));
            long mask = (seed * 0x9E3779B97F4A7C15L) >>> 24; // 40 bits
            Column id = col("id");
            // Triangular over 0–105 (mean about 52): the sum of two uniforms.
            Column age = least(floor(random.uniform("age", id).plus(random.uniform("age.second", id)).multiply(52.5)), lit(104L)).cast("int");
            Column birthDate = date_add(lit(REFERENCE_DATE),
                    age.multiply(-365).minus(uniformIndex(random.uniform("birthday", id), 365)).minus(age.divide(4).cast("int")));
            return spark.range(0, patients, 1, partitions)
                    .withColumn("person_id", concat(lit("P"), lpad(hex(id.bitwiseXOR(lit(mask))), 10, "0")))
                    .withColumn("age", age)
                    .withColumn("birth_date", birthDate)
                    .withColumn("sex", when(random.uniform("sex", id).lt(0.47), lit("1")).otherwise(lit("2")))
                    .withColumn("prefecture_code", pick(PREFECTURES_BY_POPULATION, uniformIndex(random.uniform("prefecture", id), PREFECTURES_BY_POPULATION.length)));
        }

        private Column facilityId(Column prefecture, String kind, Column index) {
            return concat(prefecture, lit(kind), lpad(index.cast("string"), 7, "0"));
        }

        private Column diagnosis(String salt, Column... keys) {
            return pick(COMMON_DIAGNOSES, zipfIndex(random.uniform(salt, keys), COMMON_DIAGNOSES.length));
        }

        org.apache.spark.sql.Dataset<Row> claims() {
            Column id = col("id");
            Column claim = col("claim_index");
            Column chronic = when(random.uniform("rare", id).lt(0.003),
                    pick(RARE_DIAGNOSES, uniformIndex(random.uniform("rare.code", id), RARE_DIAGNOSES.length)))
                    .otherwise(diagnosis("chronic", id));
            // Older persons claim more; a Pareto factor gives a few persons very many claims.
            Column base = col("age").divide(25.0).plus(1.0).multiply(0.6);
            Column count = least(floor(base.divide(pow(random.uniform("claims", id), 0.6))).plus(1), lit(240L)).cast("int");
            Column homeClinic = zipfIndex(random.uniform("home", id), clinics);
            Column points = least(round(exp(random.normal("points", id, claim).multiply(1.1).plus(6.0))), lit(2_000_000L)).cast("int");
            return persons()
                    .withColumn("kana_name", concat(
                            pick(SURNAMES, zipfIndex(random.uniform("surname", id), SURNAMES.length)), lit(" "),
                            pick(GIVEN_NAMES, uniformIndex(random.uniform("given", id), GIVEN_NAMES.length))))
                    .withColumn("insurer_number", lpad(floor(random.uniform("insurer", id).multiply(99_999_999.0)).cast("string"), 8, "0"))
                    .withColumn("chronic", chronic)
                    .withColumn("home_clinic", homeClinic)
                    .withColumn("claim_index", explode(sequence(lit(0), count.minus(1))))
                    .withColumn("service_month", add_months(lit(FIRST_SERVICE_MONTH),
                            uniformIndex(random.uniform("month", id, claim), SERVICE_MONTHS)))
                    .withColumn("facility_id", facilityId(col("prefecture_code"), "1",
                            when(random.uniform("facility", id, claim).lt(0.7), col("home_clinic"))
                                    .otherwise(zipfIndex(random.uniform("facility.other", id, claim), clinics))))
                    .withColumn("diagnosis_code", when(random.uniform("diagnosis", id, claim).lt(0.6), col("chronic"))
                            .otherwise(diagnosis("diagnosis.other", id, claim)))
                    .withColumn("drug_code", pick(DRUG_CODES, zipfIndex(random.uniform("drug", id, claim), DRUG_CODES.length)))
                    .withColumn("procedure_code", pick(PROCEDURE_CODES, zipfIndex(random.uniform("procedure", id, claim), PROCEDURE_CODES.length)))
                    .withColumn("points", points)
                    .select("person_id", "kana_name", "insurer_number", "birth_date", "sex", "prefecture_code", "facility_id",
                            "service_month", "diagnosis_code", "drug_code", "procedure_code", "points");
        }

        org.apache.spark.sql.Dataset<Row> dpcEpisodes() {
            Column id = col("id");
            Column episode = col("episode_index");
            Column admitted = random.uniform("dpc", id).lt(col("age").divide(1500.0).plus(0.02));
            Column episodes = floor(pow(random.uniform("dpc.episodes", id), 4.0).multiply(4.0)).plus(1).cast("int");
            Column stay = least(round(exp(random.normal("stay", id, episode).multiply(0.8).plus(2.2))).plus(1), lit(365L)).cast("int");
            Column dailyCost = exp(random.normal("cost", id, episode).multiply(0.5).plus(10.3));
            return persons()
                    .filter(admitted)
                    .withColumn("episode_index", explode(sequence(lit(0), episodes.minus(1))))
                    .withColumn("facility_id", facilityId(col("prefecture_code"), "1", zipfIndex(random.uniform("hospital", id, episode), hospitals)))
                    .withColumn("admission_date", date_add(lit(FIRST_SERVICE_MONTH), uniformIndex(random.uniform("admission", id, episode), 1_080)))
                    .withColumn("length_of_stay", stay)
                    .withColumn("discharge_date", date_add(col("admission_date"), stay))
                    .withColumn("dpc_code", pick(DPC_CODES, zipfIndex(random.uniform("dpc.code", id, episode), DPC_CODES.length)))
                    .withColumn("main_diagnosis", diagnosis("dpc.diagnosis", id, episode))
                    .withColumn("cost_yen", round(dailyCost.multiply(stay)).cast("long"))
                    .select("person_id", "facility_id", "admission_date", "discharge_date", "length_of_stay", "dpc_code", "main_diagnosis", "cost_yen");
        }

        org.apache.spark.sql.Dataset<Row> careRecords() {
            Column id = col("id");
            Column month = col("month_index");
            Column eligible = col("age").geq(65).and(random.uniform("kaigo", id).lt(col("age").minus(60).divide(60.0)));
            Column start = uniformIndex(random.uniform("kaigo.start", id), SERVICE_MONTHS);
            Column duration = greatest(floor(random.uniform("kaigo.duration", id).multiply(lit(SERVICE_MONTHS).minus(start))), lit(1L)).cast("int");
            Column level = uniformIndex(pow(random.uniform("kaigo.level", id), col("age").minus(65).divide(-60.0).plus(1.2)), CARE_LEVELS.length);
            return persons()
                    .filter(eligible)
                    .withColumn("start", start)
                    .withColumn("level_index", level)
                    .withColumn("month_index", explode(sequence(col("start"), col("start").plus(duration).minus(1))))
                    .withColumn("provider_id", facilityId(col("prefecture_code"), "7", zipfIndex(random.uniform("provider", id), careProviders)))
                    .withColumn("care_level", pick(CARE_LEVELS, col("level_index")))
                    .withColumn("service_type", pick(CARE_SERVICES, zipfIndex(random.uniform("service", id, month), CARE_SERVICES.length)))
                    .withColumn("service_month", add_months(lit(FIRST_SERVICE_MONTH), month))
                    .withColumn("units", floor(col("level_index").multiply(4_000).plus(3_000)
                            .multiply(random.uniform("units", id, month).plus(0.5))).cast("int"))
                    .select("person_id", "provider_id", "care_level", "service_type", "service_month", "units");
        }

        org.apache.spark.sql.Dataset<Row> cancerRegistry() {
            Column id = col("id");
            Column tumour = col("tumour_index");
            Column registered = random.uniform("cancer", id).lt(col("age").multiply(col("age")).divide(150_000.0).plus(0.002));
            Column tumours = when(random.uniform("cancer.multiple", id).lt(0.05), lit(2)).otherwise(lit(1));
            Column stage = uniformIndex(random.uniform("stage", id, tumour), STAGES.length);
            Column diagnosed = date_add(lit(LocalDate.of(2016, 1, 1)), uniformIndex(random.uniform("diagnosed", id, tumour), 2_900));
            Column died = random.uniform("died", id, tumour).lt(col("stage_index").multiply(0.15).plus(0.05));
            Column survivalDays = floor(random.uniform("survival", id, tumour).multiply(1_500.0)).cast("int");
            Column lastConfirmed = lit(LocalDate.of(2024, 3, 31));
            return persons()
                    .filter(registered)
                    .withColumn("tumour_index", explode(sequence(lit(1), tumours)))
                    .withColumn("stage_index", stage)
                    .withColumn("facility_id", facilityId(col("prefecture_code"), "1", zipfIndex(random.uniform("cancer.hospital", id, tumour), hospitals)))
                    .withColumn("site_code", pick(CANCER_SITES, zipfIndex(random.uniform("site", id, tumour), CANCER_SITES.length)))
                    .withColumn("stage", pick(STAGES, col("stage_index")))
                    .withColumn("diagnosis_date", diagnosed)
                    .withColumn("died", died.and(date_add(col("diagnosis_date"), survivalDays).leq(lastConfirmed)))
                    .withColumn("vital_status", when(col("died"), lit("死亡")).otherwise(lit("生存")))
                    .withColumn("vital_status_date", when(col("died"), date_add(col("diagnosis_date"), survivalDays)).otherwise(lastConfirmed))
                    .select("person_id", "facility_id", "site_code", "stage", "diagnosis_date", "vital_status", "vital_status_date");
        }
    }
}
