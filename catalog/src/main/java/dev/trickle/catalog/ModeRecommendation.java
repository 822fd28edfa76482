package dev.trickle.catalog;

/**
 * One row of {@code pgtrickle.recommend_refresh_mode(name)}: the refresh mode a stream table
 * should use, how sure the advice is, why, and the signals (JSON) it was drawn from.
 *
 * @param confidence high, medium or low
 */
public record ModeRecommendation(
    String streamTable,
    String currentMode,
    String recommendedMode,
    String confidence,
    String reason,
    String signals) {}
