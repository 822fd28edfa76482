package dev.trickle.catalog;

import java.math.BigDecimal;

/**
 * One row of {@code pgtrickle.refresh_efficiency()}: a stream table's completed refreshes by
 * action and what they cost. Averages are null when there is nothing to average.
 *
 * @param diffSpeedup how many times faster DIFFERENTIAL is than FULL on average
 */
public record RefreshEfficiency(
    String streamTable,
    String refreshMode,
    long totalRefreshes,
    long diffCount,
    long fullCount,
    long noDataCount,
    BigDecimal avgDiffMs,
    BigDecimal avgFullMs,
    BigDecimal avgChangeRatio,
    BigDecimal diffSpeedup) {}
