-- outputs: id integer, region text, n bigint, biggest integer
SELECT accounts.id, accounts.region, s.n, s.biggest
   FROM public.accounts,
    LATERAL ( SELECT count(*) AS n, max(events.amount) AS biggest
           FROM public.events
          WHERE events.account_id = accounts.id) s
