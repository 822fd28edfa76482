/**
 * The {@code pgtrickle} schema and access to it. {@link dev.trickle.catalog.CatalogInstaller}
 * installs and upgrades the schema (SQL API, change capture, refresh driver) from versioned
 * scripts; {@link dev.trickle.catalog.StreamTableCatalog} reads it;
 * {@link dev.trickle.catalog.StreamTableDefinitions} creates, alters, drops and compiles stream
 * tables; {@link dev.trickle.catalog.Refresher} runs refreshes. All of them go through the SQL
 * API in the database, so a stream table behaves the same whether it is managed from SQL or
 * from Java.
 *
 * <p>Classes here are thread-safe; each call uses its own connection from the
 * {@link dev.trickle.catalog.ConnectionSource} unless it is given one.
 */
package dev.trickle.catalog;
