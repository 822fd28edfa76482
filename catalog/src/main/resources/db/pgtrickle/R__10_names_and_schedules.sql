-- Names and schedules: parsing and validation shared by every SQL API function.

-- Splits a stream table name ('x', 's.x', '"Top Players"') into its identifier parts,
-- with SQL identifier rules (unquoted parts fold to lower case). Rejects anything else.
CREATE OR REPLACE FUNCTION pgtrickle._name_parts(p_name text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_parts text[];
BEGIN
    IF p_name IS NULL OR btrim(p_name) = '' THEN
        RAISE EXCEPTION 'stream table name must not be empty' USING ERRCODE = 'invalid_name';
    END IF;
    BEGIN
        v_parts := parse_ident(p_name);
    EXCEPTION WHEN invalid_parameter_value THEN
        RAISE EXCEPTION 'invalid stream table name %: not a valid SQL identifier (quote names with spaces or capitals, e.g. ''"Top Players"'')',
            quote_literal(p_name) USING ERRCODE = 'invalid_name';
    END;
    IF array_length(v_parts, 1) > 2 THEN
        RAISE EXCEPTION 'invalid stream table name %: use name or schema.name', quote_literal(p_name)
            USING ERRCODE = 'invalid_name';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(v_parts) p WHERE octet_length(p) > 63 OR p = '') THEN
        RAISE EXCEPTION 'invalid stream table name %: each part must be 1 to 63 bytes long', quote_literal(p_name)
            USING ERRCODE = 'invalid_name';
    END IF;
    RETURN v_parts;
END $$;

-- The schema and name a new stream table gets: unqualified names go to current_schema().
CREATE OR REPLACE FUNCTION pgtrickle._new_name(p_name text, OUT schema_name text, OUT table_name text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_parts text[] := pgtrickle._name_parts(p_name);
BEGIN
    IF array_length(v_parts, 1) = 2 THEN
        schema_name := v_parts[1];
        table_name := v_parts[2];
    ELSE
        schema_name := current_schema();
        table_name := v_parts[1];
        IF schema_name IS NULL THEN
            RAISE EXCEPTION 'cannot create stream table %: no schema in search_path exists; qualify the name', quote_literal(p_name)
                USING ERRCODE = 'invalid_schema_name';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = schema_name) THEN
        RAISE EXCEPTION 'cannot create stream table %: schema % does not exist', quote_literal(p_name), quote_ident(schema_name)
            USING ERRCODE = 'invalid_schema_name';
    END IF;
END $$;

-- Finds an existing stream table by name; unqualified names are looked up along search_path.
CREATE OR REPLACE FUNCTION pgtrickle._find(p_name text)
RETURNS pgtrickle.pgt_stream_tables
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_parts text[] := pgtrickle._name_parts(p_name);
    v_st pgtrickle.pgt_stream_tables;
BEGIN
    IF array_length(v_parts, 1) = 2 THEN
        SELECT * INTO v_st FROM pgtrickle.pgt_stream_tables
         WHERE pgt_schema = v_parts[1] AND pgt_name = v_parts[2];
    ELSE
        SELECT st.* INTO v_st FROM pgtrickle.pgt_stream_tables st
         WHERE st.pgt_name = v_parts[1] AND st.pgt_schema = ANY (current_schemas(false))
         ORDER BY array_position(current_schemas(false), st.pgt_schema)
         LIMIT 1;
    END IF;
    IF v_st.pgt_id IS NULL THEN
        RAISE EXCEPTION 'stream table % does not exist', quote_literal(p_name) USING ERRCODE = 'undefined_table';
    END IF;
    RETURN v_st;
END $$;

-- The name of a stream table as shown to users: schema.name, quoted where needed.
CREATE OR REPLACE FUNCTION pgtrickle._display_name(p_st pgtrickle.pgt_stream_tables)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format('%I.%I', p_st.pgt_schema, p_st.pgt_name)
$$;

-- Validates one field of a cron expression: '*', '?', numbers, names, ranges, steps, lists.
CREATE OR REPLACE FUNCTION pgtrickle._check_cron_field(
    p_expression text, p_field text, p_what text, p_low integer, p_high integer,
    p_names text[], p_name_base integer, p_question_allowed boolean)
RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_item text;
    v_match text[];
    v_bounds integer[];
    v_part text;
    v_value integer;
BEGIN
    FOREACH v_item IN ARRAY string_to_array(upper(p_field), ',') LOOP
        v_match := regexp_match(v_item, '^(\*|\?|[0-9A-Z]+(-[0-9A-Z]+)?)(/([0-9]+))?$');
        IF v_match IS NULL THEN
            RAISE EXCEPTION 'invalid cron expression %: % field % is not a number, range, list or step',
                quote_literal(p_expression), p_what, quote_literal(p_field) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF v_match[1] = '?' AND NOT p_question_allowed THEN
            RAISE EXCEPTION 'invalid cron expression %: ''?'' is only allowed in the day-of-month and day-of-week fields',
                quote_literal(p_expression) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF v_match[4] IS NOT NULL AND (v_match[4]::numeric < 1 OR v_match[4]::numeric > p_high + 1) THEN
            RAISE EXCEPTION 'invalid cron expression %: % step % is out of range 1-%',
                quote_literal(p_expression), p_what, v_match[4], p_high + 1 USING ERRCODE = 'invalid_parameter_value';
        END IF;
        CONTINUE WHEN v_match[1] IN ('*', '?');
        v_bounds := ARRAY[]::integer[];
        FOREACH v_part IN ARRAY string_to_array(v_match[1], '-') LOOP
            IF v_part ~ '^[0-9]+$' AND length(v_part) <= 4 THEN
                v_value := v_part::integer;
            ELSIF p_names IS NOT NULL AND array_position(p_names, v_part) IS NOT NULL THEN
                v_value := array_position(p_names, v_part) - 1 + p_name_base;
            ELSE
                RAISE EXCEPTION 'invalid cron expression %: % value % is not valid',
                    quote_literal(p_expression), p_what, quote_literal(v_part) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF v_value < p_low OR v_value > p_high THEN
                RAISE EXCEPTION 'invalid cron expression %: % value % is out of range %-%',
                    quote_literal(p_expression), p_what, v_part, p_low, p_high USING ERRCODE = 'invalid_parameter_value';
            END IF;
            v_bounds := v_bounds || v_value;
        END LOOP;
        IF array_length(v_bounds, 1) = 2 AND v_bounds[1] > v_bounds[2] THEN
            RAISE EXCEPTION 'invalid cron expression %: % range % goes backwards',
                quote_literal(p_expression), p_what, v_match[1] USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
END $$;

-- Validates a schedule and returns its canonical text. Accepted: 'calculated'; durations
-- such as '500ms', '5s', '1h30m' (100 ms to 366 days); 5- or 6-field cron expressions;
-- and the aliases @yearly @annually @monthly @weekly @daily @midnight @hourly.
CREATE OR REPLACE FUNCTION pgtrickle._normalize_schedule(p_schedule text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_text text := lower(btrim(coalesce(p_schedule, '')));
    v_fields text[];
    v_offset integer;
    v_millis numeric;
    v_months constant text[] := ARRAY['JAN','FEB','MAR','APR','MAY','JUN','JUL','AUG','SEP','OCT','NOV','DEC'];
    v_days constant text[] := ARRAY['SUN','MON','TUE','WED','THU','FRI','SAT'];
BEGIN
    IF v_text = '' THEN
        RAISE EXCEPTION 'schedule must not be empty; use a duration such as ''5s'', a cron expression, or ''calculated'''
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_text = 'calculated' THEN
        RETURN v_text;
    END IF;
    IF v_text ~ '^([0-9]+(ms|s|m|h|d|w))+$' THEN
        SELECT sum(m[1]::numeric * CASE m[2] WHEN 'ms' THEN 1 WHEN 's' THEN 1000 WHEN 'm' THEN 60000
                                             WHEN 'h' THEN 3600000 WHEN 'd' THEN 86400000 ELSE 604800000 END)
          INTO v_millis
          FROM regexp_matches(v_text, '([0-9]+)(ms|s|m|h|d|w)', 'g') m;
        IF v_millis < 100 OR v_millis > 366 * 86400000::numeric THEN
            RAISE EXCEPTION 'schedule % is out of range: durations must be between 100ms and 366d', quote_literal(p_schedule)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN v_text;
    END IF;
    IF v_text ~ '^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$' THEN
        RETURN v_text;
    END IF;
    v_fields := regexp_split_to_array(btrim(p_schedule), '\s+');
    IF array_length(v_fields, 1) NOT IN (5, 6) THEN
        RAISE EXCEPTION 'invalid schedule %: expected a duration such as ''5s'' or ''1h30m'', a cron expression with 5 or 6 fields, an alias such as ''@hourly'', or ''calculated''',
            quote_literal(p_schedule) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_offset := array_length(v_fields, 1) - 5;
    IF v_offset = 1 THEN
        PERFORM pgtrickle._check_cron_field(p_schedule, v_fields[1], 'second', 0, 59, NULL, 0, false);
    END IF;
    PERFORM pgtrickle._check_cron_field(p_schedule, v_fields[1 + v_offset], 'minute', 0, 59, NULL, 0, false);
    PERFORM pgtrickle._check_cron_field(p_schedule, v_fields[2 + v_offset], 'hour', 0, 23, NULL, 0, false);
    PERFORM pgtrickle._check_cron_field(p_schedule, v_fields[3 + v_offset], 'day-of-month', 1, 31, NULL, 0, true);
    PERFORM pgtrickle._check_cron_field(p_schedule, v_fields[4 + v_offset], 'month', 1, 12, v_months, 1, false);
    PERFORM pgtrickle._check_cron_field(p_schedule, v_fields[5 + v_offset], 'day-of-week', 0, 7, v_days, 0, true);
    RETURN upper(array_to_string(v_fields, ' '));
END $$;

-- Validates a refresh mode and returns it in canonical (upper) case.
CREATE OR REPLACE FUNCTION pgtrickle._normalize_mode(p_mode text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_mode text := upper(btrim(coalesce(p_mode, '')));
BEGIN
    IF v_mode NOT IN ('AUTO', 'FULL', 'DIFFERENTIAL', 'IMMEDIATE') THEN
        RAISE EXCEPTION 'invalid refresh mode %; expected one of AUTO, FULL, DIFFERENTIAL, IMMEDIATE', quote_literal(p_mode)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN v_mode;
END $$;
