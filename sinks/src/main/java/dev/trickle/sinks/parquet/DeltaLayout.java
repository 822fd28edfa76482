package dev.trickle.sinks.parquet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The columns of a stream table's delta files: the stream table's own, then {@code __pgt_op}
 * ('I' for a row's new contents, 'D' for a row that is gone), {@code __pgt_row_id} and
 * {@code __pgt_refresh_id}, each with its Parquet field id.
 */
public record DeltaLayout(List<DeltaColumn> columns, int opFieldId, int rowIdFieldId, int refreshIdFieldId) {
  public static final String OP = "__pgt_op";
  public static final String ROW_ID = "__pgt_row_id";
  public static final String REFRESH_ID = "__pgt_refresh_id";

  public DeltaLayout {
    columns = List.copyOf(columns);
    Set<Integer> ids = new HashSet<>(List.of(opFieldId, rowIdFieldId, refreshIdFieldId));
    Set<String> names = new HashSet<>();
    for (DeltaColumn column : columns) {
      if (!ids.add(column.fieldId()) || !names.add(column.name())) {
        throw new IllegalArgumentException("delta columns must have distinct names and field ids: " + column);
      }
    }
    if (ids.size() != columns.size() + 3) {
      throw new IllegalArgumentException("the __pgt_ columns need distinct field ids");
    }
  }

  /** The Parquet schema of the files. */
  MessageType schema() {
    List<Type> fields = new ArrayList<>();
    for (DeltaColumn column : columns) {
      fields.add(column.type().field(column.name(), column.fieldId(), column.nullable()));
    }
    fields.add(ColumnType.of(ColumnType.Kind.VARCHAR).field(OP, opFieldId, false));
    fields.add(ColumnType.of(ColumnType.Kind.INT64).field(ROW_ID, rowIdFieldId, false));
    fields.add(ColumnType.of(ColumnType.Kind.INT64).field(REFRESH_ID, refreshIdFieldId, false));
    return Types.buildMessage().addFields(fields.toArray(Type[]::new)).named("delta");
  }
}
