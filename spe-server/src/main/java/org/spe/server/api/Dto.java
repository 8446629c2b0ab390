package org.spe.server.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.core.account.Session;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.Dataset;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitRequest;
import org.spe.core.permit.PurposeCategory;
import org.spe.core.permit.RowFilter;

/** The JSON shapes of the HTTP API, mapped to and from domain records at the edge. */
public final class Dto {
    private Dto() {}

    public record LoginBody(String username, String password, String totp) {}

    /** A session; {@code expiresInSeconds} is how long it lasts unless used again (the console warns before it ends). */
    public record SessionView(String userId, List<String> roles, String sessionId, String csrfToken, Instant expiresAt, long expiresInSeconds) {
        static SessionView of(Session session, long expiresInSeconds) {
            return new SessionView(session.caller().userId(), session.caller().roles().stream().map(Enum::name).sorted().toList(),
                    session.caller().sessionId(), session.csrfToken(), session.expiresAt(), expiresInSeconds);
        }
    }

    public record ColumnView(String name, String type, String classification, String description, Optional<String> anonymisation) {
        static ColumnView of(ColumnSpec column) {
            return new ColumnView(column.name(), column.type().name(), column.classification().name(), column.description(),
                    column.anonymisation().map(g -> g.kind().name()));
        }
    }

    public record DatasetView(String id, String title, String source, String sourceName, int tier, List<ColumnView> columns, Optional<String> facilityColumn) {
        static DatasetView of(Dataset dataset) {
            return new DatasetView(dataset.id(), dataset.title(), dataset.source().name(), dataset.source().japaneseName(), dataset.tier(),
                    dataset.columns().stream().map(ColumnView::of).toList(), dataset.facilityColumn());
        }
    }

    public record LinkageRuleBody(String first, String second) {}

    public record RowFilterBody(String column, String operator, List<String> values) {}

    public record PermitDatasetBody(String datasetId, List<String> columns, List<RowFilterBody> rowFilters) {}

    public record LinkageBody(String first, String second) {}

    public record QuotaBody(int cores, int memoryGb, int gpus, int storageGb, double cpuHours, double gpuHours) {}

    public record PermitBody(String title, String purpose, PurposeCategory category, DataLevel level, String pseudonymisationJustification,
            List<String> researchers, List<PermitDatasetBody> datasets, List<LinkageBody> linkages, LocalDate validFrom, LocalDate validUntil,
            QuotaBody quota, String sdcProfile, Integer kAnonymity) {

        PermitRequest toRequest() {
            List<PermitDataset> granted = Api.required(datasets, "datasets").stream().map(d -> new PermitDataset(
                    Api.required(d.datasetId(), "datasets[].datasetId"), Api.required(d.columns(), "datasets[].columns"),
                    d.rowFilters() == null ? List.of() : d.rowFilters().stream().map(f -> new RowFilter(Api.required(f.column(), "rowFilters[].column"),
                            Api.enumValue(org.spe.core.permit.FilterOperator.class, f.operator(), "rowFilters[].operator"),
                            Api.required(f.values(), "rowFilters[].values"))).toList())).toList();
            List<Linkage> links = linkages == null ? List.of()
                    : linkages.stream().map(l -> new Linkage(Api.required(l.first(), "linkages[].first"), Api.required(l.second(), "linkages[].second"))).toList();
            QuotaBody q = Api.required(quota, "quota");
            return new PermitRequest(title, purpose, category, level, Optional.ofNullable(pseudonymisationJustification),
                    Api.required(researchers, "researchers"), granted, links, validFrom, validUntil,
                    new ComputeQuota(q.cores(), q.memoryGb(), q.gpus(), q.storageGb(), q.cpuHours(), q.gpuHours()),
                    sdcProfile == null ? "default" : sdcProfile, kAnonymity == null ? 10 : kAnonymity);
        }
    }

    public record PermitView(String id, int version, String title, String purpose, String category, String level,
            Optional<String> pseudonymisationJustification, List<String> researchers, List<Map<String, Object>> datasets,
            List<List<String>> linkages, LocalDate validFrom, LocalDate validUntil, ComputeQuota quota, String sdcProfile, int kAnonymity,
            String state, Instant createdAt, String createdBy) {
        static PermitView of(Permit p) {
            return new PermitView(p.id(), p.version(), p.title(), p.purpose(), p.category().name(), p.level().name(), p.pseudonymisationJustification(),
                    p.researchers(), p.datasets().stream().map(d -> Map.<String, Object>of("datasetId", d.datasetId(), "columns", d.columns(),
                            "rowFilters", d.rowFilters().stream().map(f -> Map.of("column", f.column(), "operator", f.operator().name(), "values", f.values())).toList())).toList(),
                    p.linkages().stream().map(l -> List.of(l.firstDatasetId(), l.secondDatasetId())).toList(), p.validFrom(), p.validUntil(),
                    p.quota(), p.sdcProfile(), p.kAnonymity(), p.state().name(), p.createdAt(), p.createdBy());
        }
    }

    public record StateChangeBody(String state, String reason) {}

    public record OptOutBody(List<String> personIds) {}

    public record OptOutSummary(long registered) {}

    public record OptOutResult(int added) {}
}
