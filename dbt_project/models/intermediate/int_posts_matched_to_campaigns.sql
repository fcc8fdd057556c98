{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['platform', 'post_id'],
    on_schema_change='fail',
) }}
{#- A later run matches only the posts whose snapshot arrived since (macro
    matched_since_last_build). -#}
-- Each post matched to one campaign by the first rule that applies (macro match_to_campaigns):
-- 1 utm_campaign in its link or text, 2 its campaign label (LinkedIn Campaign name, Meta
-- Custom labels), 3 the plan's hashtag in its text within the campaign's dates.
with

posts as (
    select * from {{ ref('int_posts_unioned') }}
    where {{ matched_since_last_build('_loaded_at') }}
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
        platform || ':' || post_id as _match_key,
        coalesce(post_url, '') || ' ' || coalesce(post_text, '') as _match_url,
        campaign_label as _match_label,
        post_text as _match_text,
        published_date as _match_date
    from posts
),

{{ match_to_campaigns('match_input', 'campaigns', 'files') }},

final as (
    select
        source,
        platform,
        post_id,
        published_at,
        published_date,
        post_text,
        post_url,
        campaign_label,
        impressions,
        reach,
        views,
        likes,
        comments,
        shares,
        saves,
        engagements,
        clicks,
        follows,
        campaign_id,
        match_rule,
        _file_id,
        _exported_at,
        {{ newest('_loaded_at', '_campaign_loaded_at') }} as _loaded_at
    from matched
)

select * from final
