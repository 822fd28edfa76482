-- outputs: id integer, region text, doubled numeric, label text
SELECT accounts.id, upper(accounts.region) AS region, accounts.balance * 2 AS doubled,
    CASE WHEN accounts.balance > 100 THEN 'rich' ELSE 'poor' END AS label
   FROM public.accounts
  WHERE accounts.region IS NOT NULL AND accounts.tier IN ('gold', 'silver')
