package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.catalog.ColumnClass;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.ColumnType;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.Generalisation;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.optout.OptOut;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.RowFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the extract of one permit version: exactly the permitted datasets, columns and rows, never a
 * direct identifier, the common person ID replaced by a per-permit pseudonym (shared only by datasets
 * the permit links), opted-out persons removed, and for ANONYMISED permits the catalog's
 * generalisations applied and k-anonymity enforced.
 *
 * <p>The extract is written under {@code <extractsRoot>/.building/}, made read-only and renamed
 * atomically to {@code <extractsRoot>/<permitId>/v<version>} only when every dataset succeeded; a
 * failed or interrupted build leaves nothing at that name (see {@link #removeAbandonedBuilds()}).
 * Blocking: runs Spark jobs. One build at a time per instance; instances are otherwise independent.
 */
public final class ExtractBuilder {
    /** Folder under the extracts root where builds are made before they are renamed into place. */
    public static final String BUILDING = ".building";
    /** Label of categories held by too few persons in ANONYMISED extracts. */
    public static final String OTHER_CATEGORY = "その他";
    /** The link group name of the per-person date offsets. */
    public static final String DATE_SHIFT_GROUP = "date-shift";

    private static final Logger LOG = LoggerFactory.getLogger(ExtractBuilder.class);
    private static final String OPTED_OUT_COLUMN = "opted_out_person_id";
    private static final String RAW_PERSON = "_spe_raw_person_id";

    private final SparkSession spark;
    private final Path lakeRoot;
    private final Path extractsRoot;
    private final Map<String, Dataset> catalog;
    private final List<LinkageRule> linkageRules;
    private final PseudonymKeys keys;
    private final Clock clock;

    /**
     * @param catalog the registered datasets (their {@link Dataset#path()} is relative to {@code lakeRoot})
     * @param linkageRules the linkages between sources the catalog allows
     */
    public ExtractBuilder(SparkSession spark, Path lakeRoot, Path extractsRoot, List<Dataset> catalog,
            List<LinkageRule> linkageRules, PseudonymKeys keys, Clock clock) {
        this.spark = requireNonNull(spark, "spark is null");
        this.lakeRoot = requireNonNull(lakeRoot, "lakeRoot is null");
        this.extractsRoot = requireNonNull(extractsRoot, "extractsRoot is null");
        this.catalog = requireNonNull(catalog, "catalog is null").stream()
                .collect(Collectors.toMap(Dataset::id, d -> d, (a, b) -> {
                    throw new IllegalArgumentException("dataset " + a.id() + " is in the catalog twice");
                }, LinkedHashMap::new));
        this.linkageRules = List.copyOf(requireNonNull(linkageRules, "linkageRules is null"));
        this.keys = requireNonNull(keys, "keys is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The person IDs of the opt-outs recorded at or before {@code asOf}. */
    public static Set<String> optedOutAsOf(Collection<OptOut> optOuts, Instant asOf) {
        return optOuts.stream().filter(o -> !o.recordedAt().isAfter(asOf)).map(OptOut::personId).collect(Collectors.toUnmodifiableSet());
    }

    /** Where the extract of a permit version lives once built. */
    public static Path extractDirectory(Path extractsRoot, String permitId, int permitVersion) {
        return extractsRoot.resolve(permitId).resolve("v" + permitVersion);
    }

    /** SHA-256 over an extract's data files, as recorded in its manifest; for verification. */
    public static String contentHash(Path extractDirectory) {
        return ExtractFiles.contentHash(extractDirectory);
    }

    /** Same as {@link #build(Permit, Set, ExtractOptions)} with {@link ExtractOptions#defaults()}. */
    public ExtractResult build(Permit permit, Set<String> optedOutPersonIds) {
        return build(permit, optedOutPersonIds, ExtractOptions.defaults());
    }

    /**
     * Builds the extract of {@code permit}.
     *
     * @param optedOutPersonIds the common person IDs in the opt-out registry as of now (never logged)
     * @throws SpeException INVALID_INPUT when the permit asks for something the catalog does not
     *     allow (a direct identifier, an unknown column, a linkage outside the rules) or when an
     *     ANONYMISED dataset cannot reach the permit's k; CONFLICT when this permit version was
     *     already built; INTERNAL naming the dataset when the lake cannot be read as catalogued.
     *     Nothing is visible under the extract's name after a failure.
     */
    public ExtractResult build(Permit permit, Set<String> optedOutPersonIds, ExtractOptions options) {
        requireNonNull(permit, "permit is null");
        requireNonNull(optedOutPersonIds, "optedOutPersonIds is null");
        requireNonNull(options, "options is null");
        List<Grant> grants = validate(permit);
        Path target = extractDirectory(extractsRoot, permit.id(), permit.version());
        if (Files.exists(target)) {
            throw SpeException.conflict("the extract of permit %s version %d already exists", permit.id(), permit.version());
        }
        Instant builtAt = clock.instant();
        Path building;
        try {
            Files.createDirectories(extractsRoot.resolve(BUILDING));
            building = Files.createTempDirectory(extractsRoot.resolve(BUILDING), permit.id() + "-v" + permit.version() + "-");
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.UNAVAILABLE, "cannot create a build folder under " + extractsRoot, e);
        }
        boolean published = false;
        try {
            LOG.info("building extract of permit {} version {} ({} datasets)", permit.id(), permit.version(), grants.size());
            String snapshot = ExtractFiles.snapshotId(lakeRoot, grants.stream().map(g -> g.dataset().path()).toList());
            Map<String, String> groups = linkGroups(permit);
            var optedOut = optedOutPersonIds.isEmpty() ? Optional.<org.apache.spark.sql.Dataset<Row>>empty()
                    : Optional.of(spark.createDataset(new ArrayList<>(optedOutPersonIds), Encoders.STRING()).toDF(OPTED_OUT_COLUMN));
            Set<String> excludedPersons = new HashSet<>();
            List<ExtractedDataset> extracted = new ArrayList<>();
            for (Grant grant : grants) {
                extracted.add(buildDataset(permit, grant, groups, optedOut, excludedPersons, builtAt, options, building));
            }
            ExtractFiles.removeBookkeeping(building);
            String contentHash = ExtractFiles.contentHash(building);
            Optional<Long> k = extracted.stream().map(ExtractedDataset::kAnonymity).flatMap(Optional::stream).min(Long::compare);
            ExtractResult result = new ExtractResult(permit.id(), permit.version(), permit.level(), target, snapshot, builtAt,
                    extracted, excludedPersons.size(), k, contentHash);
            writeManifest(building.resolve(ExtractFiles.MANIFEST), result);
            ExtractFiles.makeReadOnly(building, false);
            Files.createDirectories(target.getParent());
            Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            ExtractFiles.makeReadOnly(target, true);
            LOG.info("extract of permit {} version {} is ready: {} datasets, {} opted-out persons excluded",
                    permit.id(), permit.version(), extracted.size(), result.optedOutPersonsExcluded());
            return result;
        } catch (FileAlreadyExistsException e) {
            throw SpeException.conflict("the extract of permit %s version %d already exists", permit.id(), permit.version());
        } catch (AtomicMoveNotSupportedException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "the extracts root " + extractsRoot + " does not support atomic renames", e);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.UNAVAILABLE, "cannot write the extract of permit " + permit.id() + ": " + e.getMessage(), e);
        } finally {
            if (!published) {
                ExtractFiles.deleteRecursively(building);
            }
        }
    }

    /** Deletes what interrupted builds left under {@code .building}; call at startup before any build. */
    public void removeAbandonedBuilds() {
        ExtractFiles.deleteRecursively(extractsRoot.resolve(BUILDING));
    }

    private record Grant(Dataset dataset, PermitDataset permitted) {}

    /** Every check that needs no data; throws before anything is written. */
    private List<Grant> validate(Permit permit) {
        if (!permit.id().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw SpeException.invalid("permit id %s cannot name an extract folder: use letters, digits, '.', '_' and '-'", permit.id());
        }
        List<Grant> grants = new ArrayList<>();
        for (PermitDataset permitted : permit.datasets()) {
            Dataset dataset = catalog.get(permitted.datasetId());
            if (dataset == null) {
                throw SpeException.invalid("permit %s grants dataset %s, which is not in the catalog", permit.id(), permitted.datasetId());
            }
            for (String name : permitted.columns()) {
                ColumnSpec column = dataset.column(name).orElseThrow(() -> SpeException.invalid(
                        "permit %s asks for column %s of dataset %s, which has no such column", permit.id(), name, dataset.id()));
                if (column.classification() == ColumnClass.DIRECT_IDENTIFIER) {
                    throw SpeException.invalid("permit %s asks for column %s of dataset %s, a direct identifier; direct identifiers never leave the lake",
                            permit.id(), name, dataset.id());
                }
            }
            for (RowFilter filter : permitted.rowFilters()) {
                ColumnSpec column = dataset.column(filter.column()).orElseThrow(() -> SpeException.invalid(
                        "permit %s filters dataset %s on column %s, which has no such column", permit.id(), dataset.id(), filter.column()));
                if (column.classification() == ColumnClass.DIRECT_IDENTIFIER || column.classification() == ColumnClass.PERSON_ID) {
                    throw SpeException.invalid("permit %s filters dataset %s on column %s, an identifier; rows cannot be chosen by identifier",
                            permit.id(), dataset.id(), filter.column());
                }
                for (String value : filter.values()) {
                    literal(dataset, column, value);
                }
            }
            grants.add(new Grant(dataset, permitted));
        }
        for (Linkage linkage : permit.linkages()) {
            Dataset first = catalog.get(linkage.firstDatasetId());
            Dataset second = catalog.get(linkage.secondDatasetId());
            boolean allowed = first.source() != second.source()
                    && linkageRules.stream().anyMatch(rule -> rule.covers(first.source(), second.source()));
            if (!allowed) {
                throw SpeException.invalid("permit %s links %s (%s) with %s (%s), which the catalog's linkage rules do not allow",
                        permit.id(), first.id(), first.source(), second.id(), second.source());
            }
            for (Dataset dataset : List.of(first, second)) {
                if (dataset.personIdColumn().isEmpty()) {
                    throw SpeException.invalid("permit %s links dataset %s, which has no person ID column", permit.id(), dataset.id());
                }
            }
        }
        return grants;
    }

    /** Link group name per dataset: the connected components of the permit's linkages. */
    private static Map<String, String> linkGroups(Permit permit) {
        Map<String, Set<String>> components = new LinkedHashMap<>();
        for (PermitDataset dataset : permit.datasets()) {
            components.put(dataset.datasetId(), new TreeSet<>(Set.of(dataset.datasetId())));
        }
        for (Linkage linkage : permit.linkages()) {
            Set<String> first = components.get(linkage.firstDatasetId());
            Set<String> second = components.get(linkage.secondDatasetId());
            if (first != second) {
                first.addAll(second);
                for (String member : second) {
                    components.put(member, first);
                }
            }
        }
        Map<String, String> groups = new TreeMap<>();
        components.forEach((dataset, members) -> groups.put(dataset, String.join("+", members)));
        return groups;
    }

    private ExtractedDataset buildDataset(Permit permit, Grant grant, Map<String, String> groups,
            Optional<org.apache.spark.sql.Dataset<Row>> optedOut, Set<String> excludedPersons, Instant builtAt,
            ExtractOptions options, Path building) {
        Dataset dataset = grant.dataset();
        try {
            return new DatasetBuild(permit, grant, groups, optedOut, excludedPersons, builtAt, options, building).run();
        } catch (SpeException e) {
            throw e;
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw new SpeException(ErrorCategory.INTERNAL, String.format("extract of permit %s: dataset %s could not be built from the lake (%s)",
                    permit.id(), dataset.id(), describe(e)), e);
        }
    }

    /** The Spark error condition or exception type, never a message that could quote data values. */
    private static String describe(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SparkThrowable spark && spark.getCondition() != null) {
                return spark.getCondition();
            }
        }
        return error.getClass().getSimpleName();
    }

    /** The typed literal of a filter value, or a clear error. */
    private static Object literal(Dataset dataset, ColumnSpec column, String value) {
        try {
            return switch (column.type()) {
                case STRING -> value;
                case INTEGER -> Integer.parseInt(value);
                case LONG -> Long.parseLong(value);
                case DOUBLE -> Double.parseDouble(value);
                case DATE -> LocalDate.parse(value);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw SpeException.invalid("filter on column %s of dataset %s: value '%s' is not a %s%s", column.name(), dataset.id(), value,
                    column.type(), column.type() == ColumnType.DATE ? " (ISO date, e.g. 2023-04-01)" : "");
        }
    }

    static DataType sparkType(ColumnType type) {
        return switch (type) {
            case STRING -> DataTypes.StringType;
            case INTEGER -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case DATE -> DataTypes.DateType;
        };
    }

    private void writeManifest(Path file, ExtractResult result) throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("permitId", result.permitId());
        manifest.put("permitVersion", result.permitVersion());
        manifest.put("level", result.level().name());
        manifest.put("builtAt", result.builtAt().toString());
        manifest.put("lakeSnapshotId", result.lakeSnapshotId());
        manifest.put("optedOutPersonsExcluded", result.optedOutPersonsExcluded());
        manifest.put("kAnonymity", result.kAnonymity().orElse(null));
        manifest.put("contentHash", result.contentHash());
        List<Map<String, Object>> datasets = new ArrayList<>();
        for (ExtractedDataset dataset : result.datasets()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("datasetId", dataset.datasetId());
            entry.put("columns", dataset.columns());
            entry.put("rows", dataset.rows());
            entry.put("persons", dataset.persons());
            entry.put("optedOutPersonsExcluded", dataset.optedOutPersonsExcluded());
            entry.put("suppressedRows", dataset.suppressedRows());
            entry.put("kAnonymity", dataset.kAnonymity().orElse(null));
            entry.put("linkGroup", dataset.linkGroup().orElse(null));
            datasets.add(entry);
        }
        manifest.put("datasets", datasets);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), manifest);
    }

    /** The build of one dataset of one extract. */
    private final class DatasetBuild {
        private final Permit permit;
        private final Dataset dataset;
        private final PermitDataset permitted;
        private final Map<String, String> groups;
        private final Optional<org.apache.spark.sql.Dataset<Row>> optedOut;
        private final Set<String> excludedPersons;
        private final Instant builtAt;
        private final ExtractOptions options;
        private final Path output;
        private final Optional<String> personColumn;

        DatasetBuild(Permit permit, Grant grant, Map<String, String> groups, Optional<org.apache.spark.sql.Dataset<Row>> optedOut,
                Set<String> excludedPersons, Instant builtAt, ExtractOptions options, Path building) {
            this.permit = permit;
            this.dataset = grant.dataset();
            this.permitted = grant.permitted();
            this.groups = groups;
            this.optedOut = optedOut;
            this.excludedPersons = excludedPersons;
            this.builtAt = builtAt;
            this.options = options;
            this.output = building.resolve(dataset.id());
            this.personColumn = dataset.personIdColumn().map(ColumnSpec::name);
        }

        ExtractedDataset run() {
            long started = System.nanoTime();
            var source = spark.read().parquet(lakeRoot.resolve(dataset.path()).toString());
            checkLakeColumns(source);
            var filtered = source.filter(rowFilter());
            long optedOutHere = 0;
            long persons = 0;
            if (personColumn.isPresent()) {
                // One narrow pass over the person IDs of the permitted rows: which opted-out persons are
                // among them, and how many persons stay (distinct 64-bit hashes of the IDs; a collision
                // at 10 million persons has a chance below 1e-5).
                var ids = filtered.select(col(personColumn.get()).as("_permitted_person"));
                var flagged = optedOut.isPresent()
                        ? ids.join(broadcast(optedOut.get()), col("_permitted_person").equalTo(col(OPTED_OUT_COLUMN)), "left")
                        : ids.withColumn(OPTED_OUT_COLUMN, lit(null).cast("string"));
                Row counts = flagged.agg(
                        countDistinct(when(col(OPTED_OUT_COLUMN).isNull(), xxhash64(col("_permitted_person")))),
                        collect_set(col(OPTED_OUT_COLUMN))).first();
                persons = counts.getLong(0);
                List<String> excluded = counts.getList(1);
                optedOutHere = excluded.size();
                excludedPersons.addAll(excluded);
                if (optedOut.isPresent()) {
                    filtered = filtered.join(broadcast(optedOut.get()), col(personColumn.get()).equalTo(col(OPTED_OUT_COLUMN)), "left_anti");
                }
            }
            long counted = System.nanoTime();
            ExtractedDataset result = permit.level() == DataLevel.PSEUDONYMISED
                    ? pseudonymised(filtered, optedOutHere, persons) : anonymised(filtered, optedOutHere);
            LOG.info("extract of permit {}: dataset {} counted in {} ms, written in {} ms", permit.id(), dataset.id(),
                    (counted - started) / 1_000_000, (System.nanoTime() - counted) / 1_000_000);
            return result;
        }

        private void checkLakeColumns(org.apache.spark.sql.Dataset<Row> source) {
            Map<String, DataType> types = new LinkedHashMap<>();
            for (var field : source.schema().fields()) {
                types.put(field.name(), field.dataType());
            }
            Set<String> needed = new TreeSet<>(permitted.columns());
            permitted.rowFilters().forEach(f -> needed.add(f.column()));
            personColumn.ifPresent(needed::add);
            for (String name : needed) {
                ColumnSpec spec = dataset.column(name).orElseThrow();
                DataType actual = types.get(name);
                if (actual == null) {
                    throw new SpeException(ErrorCategory.INTERNAL, String.format(
                            "extract of permit %s: dataset %s has no column %s in the lake, though the catalog lists it", permit.id(), dataset.id(), name));
                }
                if (!actual.equals(sparkType(spec.type()))) {
                    throw new SpeException(ErrorCategory.INTERNAL, String.format(
                            "extract of permit %s: column %s of dataset %s is %s in the lake but %s in the catalog",
                            permit.id(), name, dataset.id(), actual.simpleString(), spec.type()));
                }
            }
        }

        private Column rowFilter() {
            Column condition = lit(true);
            for (RowFilter filter : permitted.rowFilters()) {
                ColumnSpec column = dataset.column(filter.column()).orElseThrow();
                Object[] values = filter.values().stream().map(v -> literal(dataset, column, v)).toArray();
                Column target = col(filter.column());
                condition = condition.and(switch (filter.operator()) {
                    case IN -> target.isin(values);
                    case BETWEEN -> target.between(values[0], values[1]);
                });
            }
            return condition;
        }

        private ExtractedDataset pseudonymised(org.apache.spark.sql.Dataset<Row> rows, long optedOutHere, long persons) {
            String group = groups.get(dataset.id());
            var pseudonym = udf(new HmacPseudonymFunction(keys.key(permit.id(), group)), DataTypes.StringType);
            List<Column> columns = new ArrayList<>();
            for (String name : permitted.columns()) {
                boolean person = personColumn.map(name::equals).orElse(false);
                columns.add(person ? pseudonym.apply(col(name)).as(name) : col(name));
            }
            rows.select(columns.toArray(Column[]::new)).write().parquet(output.toString());
            long rowCount = spark.read().parquet(output.toString()).count();
            return new ExtractedDataset(dataset.id(), permitted.columns(), rowCount, persons, optedOutHere, 0, Optional.empty(),
                    personColumn.map(p -> group));
        }

        private ExtractedDataset anonymised(org.apache.spark.sql.Dataset<Row> rows, long optedOutHere) {
            Column person = personColumn.map(p -> col(p)).orElse(lit(null).cast("string"));
            var prepared = rows.withColumn(RAW_PERSON, person);
            List<Column> columns = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<String> quasiIdentifiers = new ArrayList<>();
            for (String name : permitted.columns()) {
                ColumnSpec spec = dataset.column(name).orElseThrow();
                if (spec.classification() == ColumnClass.PERSON_ID) {
                    continue;
                }
                Optional<Column> generalised = spec.anonymisation().isPresent()
                        ? generalise(prepared, spec, spec.anonymisation().get()) : Optional.of(col(name));
                if (generalised.isEmpty()) {
                    continue;
                }
                columns.add(generalised.get().as(name));
                names.add(name);
                if (spec.classification() == ColumnClass.QUASI_IDENTIFIER) {
                    quasiIdentifiers.add(name);
                }
            }
            columns.add(col(RAW_PERSON));
            var generalisedRows = prepared.select(columns.toArray(Column[]::new));
            long suppressed = 0;
            Optional<Long> k = Optional.empty();
            if (!quasiIdentifiers.isEmpty()) {
                Column[] keysColumns = quasiIdentifiers.stream().map(n -> col(n)).toArray(Column[]::new);
                Column groupSize = personColumn.isPresent() ? countDistinct(col(RAW_PERSON)) : count(lit(1));
                var groupsBySize = generalisedRows.groupBy(keysColumns).agg(groupSize.as("_group_persons"));
                Row smallest = groupsBySize.agg(min("_group_persons")).first();
                k = smallest.isNullAt(0) ? Optional.empty() : Optional.of(smallest.getLong(0));
                if (k.isPresent() && k.get() < permit.kAnonymity()) {
                    if (!options.suppressBelowK()) {
                        throw SpeException.invalid("extract of permit %s: dataset %s reaches k-anonymity %d over the quasi-identifiers %s, below the permit's k of %d;"
                                + " grant coarser columns or build with suppression", permit.id(), dataset.id(), k.get(), quasiIdentifiers, permit.kAnonymity());
                    }
                    long before = generalisedRows.count();
                    var kept = groupsBySize.filter(col("_group_persons").geq(permit.kAnonymity())).select(keysColumns);
                    generalisedRows = generalisedRows.join(kept, scala.jdk.javaapi.CollectionConverters.asScala(quasiIdentifiers).toSeq(), "left_semi");
                    suppressed = before - generalisedRows.count();
                    Row after = generalisedRows.groupBy(keysColumns).agg(groupSize.as("_group_persons")).agg(min("_group_persons")).first();
                    k = after.isNullAt(0) ? Optional.empty() : Optional.of(after.getLong(0));
                }
            }
            long persons = personColumn.isPresent() ? distinct(generalisedRows, RAW_PERSON) : 0;
            generalisedRows.drop(RAW_PERSON).write().parquet(output.toString());
            long rowCount = spark.read().parquet(output.toString()).count();
            return new ExtractedDataset(dataset.id(), names, rowCount, persons, optedOutHere, suppressed, k, Optional.empty());
        }

        /** The generalised column, or empty when the column is dropped. */
        private Optional<Column> generalise(org.apache.spark.sql.Dataset<Row> rows, ColumnSpec spec, Generalisation generalisation) {
            Column value = col(spec.name());
            return switch (generalisation.kind()) {
                case DROP -> Optional.empty();
                case DATE_TO_YEAR_MONTH -> Optional.of(date_format(value, "yyyy-MM"));
                case AGE_BAND_5_YEARS -> {
                    LocalDate reference = generalisation.parameter("referenceDate").map(LocalDate::parse)
                            .orElse(LocalDate.ofInstant(builtAt, ZoneOffset.UTC));
                    Column lower = floor(floor(months_between(lit(reference), value).divide(12)).divide(5)).multiply(5);
                    yield Optional.of(concat(lower.cast("string"), lit("-"), lower.plus(4).cast("string")));
                }
                case DATE_SHIFT -> {
                    int maxShiftDays = (int) generalisation.doubleParameter("maxShiftDays", 30);
                    var offset = udf(new DateShiftFunction(keys.key(permit.id(), DATE_SHIFT_GROUP), maxShiftDays), DataTypes.IntegerType);
                    if (personColumn.isEmpty()) {
                        throw SpeException.invalid("dataset %s: column %s is date-shifted per person but the dataset has no person ID", dataset.id(), spec.name());
                    }
                    yield Optional.of(date_add(value, offset.apply(col(RAW_PERSON))));
                }
                case TOP_BOTTOM_CODE -> {
                    double lower = generalisation.doubleParameter("lowerQuantile", 0.01);
                    double upper = generalisation.doubleParameter("upperQuantile", 0.99);
                    double[] bounds = rows.stat().approxQuantile(spec.name(), new double[] {lower, upper}, 0.001);
                    if (bounds.length < 2) {
                        yield Optional.of(value);
                    }
                    Column bottom = lit(bounds[0]).cast(sparkType(spec.type()));
                    Column top = lit(bounds[1]).cast(sparkType(spec.type()));
                    yield Optional.of(when(value.lt(bottom), bottom).when(value.gt(top), top).otherwise(value));
                }
                case RARE_CATEGORY -> {
                    long minPersons = (long) generalisation.doubleParameter("minPersons", 10);
                    Column holders = personColumn.isPresent() ? countDistinct(col(RAW_PERSON)) : count(lit(1));
                    List<Object> rare = rows.groupBy(value).agg(holders.as("_holders")).filter(col("_holders").lt(minPersons))
                            .select(value.cast("string")).as(Encoders.STRING()).collectAsList().stream().map(v -> (Object) v).toList();
                    yield Optional.of(rare.isEmpty() ? value.cast("string")
                            : when(value.cast("string").isin(rare.toArray()), lit(OTHER_CATEGORY)).otherwise(value.cast("string")));
                }
            };
        }

        private long distinct(org.apache.spark.sql.Dataset<Row> rows, String column) {
            return rows.agg(countDistinct(col(column))).first().getLong(0);
        }
    }
}
