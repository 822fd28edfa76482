/**
 * Test fixtures shared by every module: {@link dev.trickle.testkit.TestDatabase} gives each
 * test class a throwaway database on one PostgreSQL server per test run.
 */
package dev.trickle.testkit;
