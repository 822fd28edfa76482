-- outputs: id bigint, kind text
SELECT accounts.id::bigint AS id, 'account'::text AS kind
   FROM public.accounts
UNION ALL
 SELECT events.id, events.kind
   FROM public.events
  WHERE events.amount > 100
