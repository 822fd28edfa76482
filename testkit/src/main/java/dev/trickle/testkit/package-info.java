/**
 * Test fixtures shared by every module: {@link dev.trickle.testkit.TestDatabase} gives each
 * test class a throwaway database on one PostgreSQL server per test run;
 * {@link dev.trickle.testkit.Eventually} waits for what other threads and processes do;
 * {@link dev.trickle.testkit.RefreshHistoryChecks} proves refreshes neither repeated nor skipped changes.
 */
package dev.trickle.testkit;
