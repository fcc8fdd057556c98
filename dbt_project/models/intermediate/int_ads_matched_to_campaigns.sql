-- Each ad campaign-day matched to one campaign of the plan by the same rules as posts
-- (macro match_to_campaigns). Ad exports carry no URL or post text, so the platform's
-- campaign name is the only evidence: rule 1 or 3 apply only if it holds a utm or a hashtag.
with

ad_days as (
    select * from {{ ref('int_ad_days_unioned') }}
),

campaigns as (
    select * from {{ ref('stg_plan__campaigns') }}
),

files as (
    select * from {{ ref('stg_ingest__files') }}
),

match_input as (
    select
        *,
        ad_row_id as _match_key,
        campaign_name as _match_url,
        campaign_name as _match_label,
        campaign_name as _match_text,
        ad_date as _match_date
    from ad_days
),

{{ match_to_campaigns('match_input', 'campaigns', 'files') }},

final as (
    select
        ad_row_id,
        source,
        platform,
        ad_campaign_id,
        campaign_name as ad_campaign_name,
        ad_group_name,
        ad_name,
        ad_date,
        days_covered,
        spend,
        currency,
        reporting_spend,
        is_fx_missing,
        impressions,
        reach,
        clicks,
        engagements,
        leads as platform_leads,
        purchases as platform_purchases,
        conversions as platform_conversions,
        campaign_id,
        match_rule,
        _file_id,
        _exported_at,
        {{ newest('_loaded_at', '_campaign_loaded_at') }} as _loaded_at
    from matched
)

select * from final
