package io.github.llava4j.finetune.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static Judgement j(String category, double ref, double cand) {
        return new Judgement("q", category, "a", "r", Optional.of(new ScoreParser.Scores(ref, cand)));
    }

    @Test
    void should_compute_relative_scores_per_category_and_overall() {
        BenchReport report = BenchReport.of(List.of(j("conversation", 8, 6), j("conversation", 10, 8),
                j("detail", 5, 5), j("complex", 8, 9),
                new Judgement("q", "detail", "a", "???", Optional.empty())));

        assertThat(report.rows()).extracting(BenchReport.Row::category)
                .containsExactly("conversation", "detail", "complex", "all");
        BenchReport.Row conv = report.row("conversation");
        assertThat(conv.referenceMean()).isEqualTo(9.0);
        assertThat(conv.candidateMean()).isEqualTo(7.0);
        assertThat(conv.relative()).isCloseTo(77.78, within(0.01)); // 7 / 9 x 100
        assertThat(report.row("detail").unparseable()).isEqualTo(1);
        assertThat(report.row("detail").relative()).isEqualTo(100.0);
        BenchReport.Row all = report.row(BenchReport.ALL);
        assertThat(all.questions()).isEqualTo(5);
        assertThat(all.relative()).isCloseTo(28.0 / 31.0 * 100, within(1e-9)); // (6+8+5+9)/(8+10+5+8)
        assertThat(report.format()).contains("77.8%").contains("all");
    }

    @Test
    void should_report_nan_when_nothing_parsed() {
        BenchReport report = BenchReport.of(List.of(new Judgement("q", "detail", "a", null, Optional.empty())));
        assertThat(report.row("detail").relative()).isNaN();
        assertThat(report.row("conversation")).isNull();
    }
}
