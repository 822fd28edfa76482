-- Alerts: JSON events on the channel pg_trickle_alert, for anyone who LISTENs (an operator's
-- script, a pager bridge). Each payload has "event" and, where one is concerned,
-- "stream_table"; the other fields depend on the event. Events: refresh_failed,
-- auto_suspended, suspended, resumed, reinitialize_needed, stale_data, buffer_growth_warning,
-- sink_failed. A notification is sent when its transaction commits. Callers keep error texts
-- short (a payload has at most 8000 bytes).
CREATE OR REPLACE FUNCTION pgtrickle._alert(p_event text, p_fields jsonb)
RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('pg_trickle_alert', (jsonb_build_object('event', p_event, 'at', clock_timestamp()) || p_fields)::text)
$$;
