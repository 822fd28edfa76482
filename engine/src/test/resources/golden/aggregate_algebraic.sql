-- outputs: region text, n bigint, total numeric, average numeric
SELECT accounts.region, count(*) AS n, sum(accounts.balance) AS total, avg(accounts.balance) AS average
   FROM public.accounts
  GROUP BY accounts.region
