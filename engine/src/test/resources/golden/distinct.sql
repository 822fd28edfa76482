-- outputs: region text, tier text
SELECT DISTINCT accounts.region, accounts.tier
   FROM public.accounts
