package org.spe.output.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spe.output.sdc.CheckStatus;

/** The outcome rule of {@link ReleaseService}, without a database. */
class ReleaseServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final List<ReleaseFile> FILES = List.of(file("f1"), file("f2"));

    private static ReleaseFile file(String id) {
        return new ReleaseFile(id, id + ".txt", "d", OutputKind.FREE_FORM, Optional.empty(), "0".repeat(64), 1, "0".repeat(64),
                CheckStatus.REVIEW, "{}", Optional.of("j"), NOW);
    }

    private static List<FileReview> both(String reviewer, ReviewDecision first, ReviewDecision second) {
        return List.of(new FileReview("f1", reviewer, first, NOW), new FileReview("f2", reviewer, second, NOW));
    }

    private static List<FileReview> concat(List<FileReview> a, List<FileReview> b) {
        List<FileReview> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static Stream<Arguments> pairsOfCompleteReviews() {
        List<Arguments> cases = new ArrayList<>();
        for (ReviewDecision c1 : ReviewDecision.values()) {
            for (ReviewDecision c2 : ReviewDecision.values()) {
                for (ReviewDecision d1 : ReviewDecision.values()) {
                    for (ReviewDecision d2 : ReviewDecision.values()) {
                        cases.add(Arguments.of(c1, c2, d1, d2));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "carol {0}/{1}, dave {2}/{3}")
    @MethodSource("pairsOfCompleteReviews")
    void twoCompleteReviewsDecideRejectOverChangesOverApproval(ReviewDecision c1, ReviewDecision c2, ReviewDecision d1, ReviewDecision d2) {
        List<ReviewDecision> all = List.of(c1, c2, d1, d2);
        ReleaseState expected = all.contains(ReviewDecision.REJECT) ? ReleaseState.REJECTED
                : all.contains(ReviewDecision.REQUEST_CHANGES) ? ReleaseState.RETURNED : ReleaseState.RELEASED;
        assertThat(ReleaseService.outcome(FILES, concat(both("carol", c1, c2), both("dave", d1, d2)))).contains(expected);
    }

    @Test
    void fewerThanTwoCompleteReviewsDecideNothing() {
        assertThat(ReleaseService.outcome(FILES, List.of())).isEmpty();
        assertThat(ReleaseService.outcome(FILES, both("carol", ReviewDecision.REJECT, ReviewDecision.REJECT))).isEmpty();
        // dave decided one file only: his review is not complete, even with a reject
        assertThat(ReleaseService.outcome(FILES, concat(both("carol", ReviewDecision.APPROVE, ReviewDecision.APPROVE),
                List.of(new FileReview("f1", "dave", ReviewDecision.REJECT, NOW))))).isEmpty();
    }

    @Test
    void aThirdIncompleteReviewDoesNotCount() {
        List<FileReview> reviews = concat(concat(both("carol", ReviewDecision.APPROVE, ReviewDecision.APPROVE),
                both("dave", ReviewDecision.APPROVE, ReviewDecision.APPROVE)), List.of(new FileReview("f1", "erin", ReviewDecision.REJECT, NOW)));
        assertThat(ReleaseService.outcome(FILES, reviews)).contains(ReleaseState.RELEASED);
    }
}
