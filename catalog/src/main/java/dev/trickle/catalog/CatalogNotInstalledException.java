package dev.trickle.catalog;

/** The database has no (or an outdated) pgtrickle schema. */
public final class CatalogNotInstalledException extends CatalogException {
  private static final long serialVersionUID = 1L;

  CatalogNotInstalledException(String message) {
    super(message);
  }
}
