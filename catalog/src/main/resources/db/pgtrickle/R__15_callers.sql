-- Who may call the SQL API, and on what. The functions that change stream tables run with the
-- catalog owner's rights (SECURITY DEFINER: the owner of the pgtrickle schema, normally the
-- nodes' role), so that ordinary roles can use them without any right on the catalog; these
-- checks keep them from reaching further than the caller's own rights.

-- The role calling the SQL API: the one the session SET ROLE to, else the session's.
CREATE OR REPLACE FUNCTION pgtrickle._caller()
RETURNS oid
LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.to_regrole(pg_catalog.quote_ident(CASE WHEN pg_catalog.current_setting('role') = 'none'
                                                             THEN session_user::text
                                                             ELSE pg_catalog.current_setting('role') END))::oid
$$;

-- Whether the caller may do anything with the catalog: the owner of the pgtrickle schema or a
-- member of it (superusers are).
CREATE OR REPLACE FUNCTION pgtrickle._caller_owns_catalog()
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.pg_has_role(pgtrickle._caller(), n.nspowner, 'MEMBER')
      FROM pg_catalog.pg_namespace n WHERE n.nspname = 'pgtrickle'
$$;

-- Run first by every function that runs with the catalog owner's rights (the first variable
-- it declares is set to this, so it runs before anything else): refuses a session
-- whose search_path would let the caller's own functions, operators or types stand in for
-- built-in ones while those rights are held.
CREATE OR REPLACE FUNCTION pgtrickle._safe_search_path()
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_first text := (SELECT s FROM pg_catalog.unnest(pg_catalog.current_schemas(true)) WITH ORDINALITY u (s, i)
                      WHERE s NOT LIKE 'pg\_temp\_%' ORDER BY i LIMIT 1);
BEGIN
    IF v_first IS DISTINCT FROM 'pg_catalog' THEN
        RAISE EXCEPTION 'the pgtrickle SQL API refuses a search_path that puts schema % before pg_catalog', v_first
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'it runs with the catalog owner''s rights; leave pg_catalog out of search_path or put it first';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_type t
                WHERE t.typnamespace = pg_catalog.pg_my_temp_schema()
                  AND EXISTS (SELECT 1 FROM pg_catalog.pg_type c
                               WHERE c.typnamespace = 'pg_catalog'::regnamespace AND c.typname = t.typname)) THEN
        RAISE EXCEPTION 'the pgtrickle SQL API refuses a session with temporary types named like built-in types'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN true;
END $$;

-- Refuses a caller who may not change the stream table: only its creator (and the creator's
-- members) and the catalog owner may.
CREATE OR REPLACE FUNCTION pgtrickle._check_may_change(p_st pgtrickle.pgt_stream_tables)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF pgtrickle._caller_owns_catalog()
       OR coalesce(pg_catalog.pg_has_role(pgtrickle._caller(), p_st.owner_role, 'MEMBER'), false) THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'permission denied for stream table %: it belongs to role %', pgtrickle._display_name(p_st),
        coalesce(pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(p_st.owner_role)), 'the catalog owner')
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- Refuses a defining query (its probe view, which the caller made) that reaches further than
-- the caller may: every relation it reads must be readable by the caller; unless the caller
-- owns the catalog, the stream table must go to a schema the caller may create in and the
-- query may call only built-in functions and operators (refreshes run it with the nodes'
-- rights). The catalog owner must be able to create the storage table there too.
CREATE OR REPLACE FUNCTION pgtrickle._check_may_define(p_probe regclass, p_schema text)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_caller oid := pgtrickle._caller();
    v_owner boolean := pgtrickle._caller_owns_catalog();
    v_unreadable text;
    v_foreign text;
BEGIN
    IF (SELECT c.relowner <> v_caller FROM pg_catalog.pg_class c WHERE c.oid = p_probe) THEN
        RAISE EXCEPTION 'the defining query''s probe % is not the caller''s', p_probe USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- What the probe's rule depends on directly: relations (and their columns), functions, operators.
    WITH used AS (
        SELECT d.refclassid, d.refobjid, d.refobjsubid
          FROM pg_catalog.pg_rewrite r
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
         WHERE r.ev_class = p_probe AND d.refobjid <> p_probe)
    SELECT pg_catalog.string_agg(DISTINCT u.refobjid::regclass::text, ', ')
               FILTER (WHERE u.refclassid = 'pg_class'::regclass
                         AND NOT pg_catalog.has_table_privilege(v_caller, u.refobjid, 'SELECT')
                         AND NOT (u.refobjsubid > 0 AND pg_catalog.has_column_privilege(v_caller, u.refobjid,
                                                                                         u.refobjsubid::smallint, 'SELECT'))),
           pg_catalog.string_agg(DISTINCT coalesce(p.oid::regprocedure::text, o.oid::regoperator::text), ', ')
               FILTER (WHERE p.pronamespace <> 'pg_catalog'::regnamespace
                          OR o.oprnamespace <> 'pg_catalog'::regnamespace)
      INTO v_unreadable, v_foreign
      FROM used u
      LEFT JOIN pg_catalog.pg_proc p ON u.refclassid = 'pg_proc'::regclass AND p.oid = u.refobjid
      LEFT JOIN pg_catalog.pg_operator o ON u.refclassid = 'pg_operator'::regclass AND o.oid = u.refobjid;
    IF v_unreadable IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied: role % may not read %', pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_caller)),
            v_unreadable USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT v_owner AND NOT pg_catalog.has_schema_privilege(v_caller, p_schema, 'CREATE') THEN
        RAISE EXCEPTION 'permission denied for schema %: role % may not create tables in it', pg_catalog.quote_ident(p_schema),
            pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_caller)) USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT pg_catalog.has_schema_privilege(current_user, p_schema, 'CREATE') THEN
        RAISE EXCEPTION 'the catalog owner % may not create tables in schema %, where the stream table would be',
            pg_catalog.quote_ident(current_user), pg_catalog.quote_ident(p_schema)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = pg_catalog.format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', p_schema, current_user);
    END IF;
    IF NOT v_owner AND v_foreign IS NOT NULL THEN
        RAISE EXCEPTION 'a stream table of role % may call only built-in functions and operators, not %',
            pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_caller)), v_foreign
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'refreshes run the defining query with the Trickle nodes'' rights; the catalog owner may define it';
    END IF;
END $$;

-- Refuses a sink from a caller who does not own the catalog: sinks write with the nodes'
-- object-store credentials.
CREATE OR REPLACE FUNCTION pgtrickle._check_may_sink()
RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT pgtrickle._caller_owns_catalog() THEN
        RAISE EXCEPTION 'only the catalog owner may add or remove sinks: they write with the nodes'' object-store credentials'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

-- The caller's probe view of a defining query (validated and planned with the caller's rights:
-- it must be able to read what the query reads), which the catalog owner may then read too
-- (the caller's rights still apply to what the view reads), so that the functions running
-- with the owner's rights can use it.
CREATE OR REPLACE FUNCTION pgtrickle._caller_probe(p_query text)
RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    v_probe regclass := pgtrickle._probe_query(p_query);
BEGIN
    EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %s', v_probe,
                              (SELECT n.nspowner::regrole FROM pg_catalog.pg_namespace n WHERE n.nspname = 'pgtrickle'));
    RETURN v_probe;
END $$;

-- Lets a stream table's owner role read its storage table (created with the catalog owner's rights).
CREATE OR REPLACE FUNCTION pgtrickle._grant_to_owner(p_relid oid, p_owner oid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_owner IS NOT NULL AND p_owner <> current_user::regrole::oid THEN
        EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %s', p_relid::regclass, p_owner::regrole);
    END IF;
END $$;
