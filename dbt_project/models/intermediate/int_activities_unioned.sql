-- Everything campaigns do before a conversion, one row per source record in one shape: posts
-- (lifetime totals of the latest snapshot, dated by publication), ad campaign-days (spend in
-- the reporting currency) and GA4 session rows. Matched or not (campaign_id NULL).
with

posts as (select * from {{ ref('int_posts_matched_to_campaigns') }}),
ads as (select * from {{ ref('int_ads_matched_to_campaigns') }}),
sessions as (select * from {{ ref('int_sessions_matched_to_campaigns') }}),

final as (
    select
        source, 'post' as activity_type, platform || ':' || post_id as record_id, platform,
        campaign_id, match_rule, published_date as activity_date, campaign_label,
        post_url as url, post_text as text,
        1 as posts, impressions, reach, views, engagements, clicks,
        cast(null as {{ dbt.type_bigint() }}) as sessions,
        cast(null as {{ dbt.type_float() }}) as key_events,
        cast(null as {{ dbt.type_float() }}) as spend,
        false as is_fx_missing,
        cast(null as {{ dbt.type_bigint() }}) as platform_leads,
        _loaded_at
    from posts
    union all
    select
        source, 'ad_day' as activity_type, ad_row_id as record_id, platform, campaign_id,
        match_rule, ad_date as activity_date, ad_campaign_name as campaign_label,
        cast(null as {{ dbt.type_string() }}) as url, ad_name as text,
        0 as posts, impressions, reach, cast(null as {{ dbt.type_bigint() }}) as views,
        engagements, clicks,
        cast(null as {{ dbt.type_bigint() }}) as sessions,
        cast(null as {{ dbt.type_float() }}) as key_events,
        reporting_spend as spend, is_fx_missing, platform_leads, _loaded_at
    from ads
    union all
    select
        'ga4_traffic' as source, 'web_day' as activity_type, session_row_id as record_id,
        platform, campaign_id, match_rule, session_date as activity_date,
        session_campaign as campaign_label,
        cast(null as {{ dbt.type_string() }}) as url, source_medium as text,
        0 as posts,
        cast(null as {{ dbt.type_bigint() }}) as impressions,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        cast(null as {{ dbt.type_bigint() }}) as views,
        cast(null as {{ dbt.type_bigint() }}) as engagements,
        cast(null as {{ dbt.type_bigint() }}) as clicks,
        sessions, key_events,
        cast(null as {{ dbt.type_float() }}) as spend,
        false as is_fx_missing,
        cast(null as {{ dbt.type_bigint() }}) as platform_leads,
        _loaded_at
    from sessions
)

select * from final
