-- Five questions analysts ask, against the published marts (data/marts/marts.duckdb).
-- tests/test_integration_real.py runs every query here against a real publication.

-- 1. Top vanity campaigns: most engagement, credibly least conversion.
SELECT campaign_name, engagements, conversions AS leads,
       round(posterior_mean_rate, 2) AS leads_per_1000,
       round(rate_low, 2) AS low, round(rate_high, 2) AS high, reason
FROM campaign_verdicts
WHERE level = 'campaign' AND verdict = 'vanity'
ORDER BY engagements DESC
LIMIT 10;

-- 2. Lead rate by platform (leads per 1,000 engagements, last-touch attribution).
SELECT platform, sum(engagements) AS engagements, sum(leads) AS leads,
       round(1000.0 * sum(leads) / nullif(sum(engagements), 0), 2) AS leads_per_1000
FROM campaign_performance
WHERE attribution_model = 'last_touch' AND platform <> 'all'
GROUP BY platform
ORDER BY leads_per_1000 DESC NULLS LAST;

-- 3. Revenue won under each attribution model: the totals agree, the split differs.
SELECT campaign_name,
       round(sum(revenue_won) FILTER (WHERE attribution_model = 'first_touch'), 2) AS first_touch,
       round(sum(revenue_won) FILTER (WHERE attribution_model = 'last_touch'), 2) AS last_touch,
       round(sum(revenue_won) FILTER (WHERE attribution_model = 'linear'), 2) AS linear,
       round(sum(revenue_won) FILTER (WHERE attribution_model = 'position_based'), 2)
           AS position_based
FROM campaign_performance
WHERE platform = 'all'
GROUP BY campaign_name
ORDER BY last_touch DESC;

-- 4. Week over week: engagement against leads, with the change.
WITH weekly AS (
    SELECT date_trunc('week', activity_date) AS week,
           sum(engagements) AS engagements, sum(leads) AS leads
    FROM fct_campaign_funnel_daily
    GROUP BY week
)
SELECT week, engagements, leads,
       round(100.0 * (engagements / lag(engagements) OVER (ORDER BY week) - 1), 1)
           AS engagements_change_pct,
       round(100.0 * (leads / nullif(lag(leads) OVER (ORDER BY week), 0) - 1), 1)
           AS leads_change_pct
FROM weekly
ORDER BY week;

-- 5. Unattributed traffic: what matched no campaign, so the plan can be fixed.
SELECT source, coalesce(campaign_label, url, left(text, 60)) AS what_failed_to_match,
       volume_unit, sum(volume) AS volume
FROM unattributed
WHERE attribution_model = 'last_touch'
GROUP BY ALL
ORDER BY volume DESC
LIMIT 20;
