{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='session_row_id',
    on_schema_change='fail',
) }}
{#- A later run matches only the rows of GA4 exports loaded since (macro
    matched_since_last_build). -#}
-- GA4 sessions matched to campaigns by their Session campaign (utm_campaign), and to a
-- platform through the session source (seed platform_aliases; anything else is 'other').
with

sessions as (
    select * from {{ ref('stg_ga4__traffic_days') }}
),

campaigns as (
    select * from {{ ref('stg_plan__campaigns') }}
),

files as (
    select * from {{ ref('stg_ingest__files') }}
),

aliases as (
    select * from {{ ref('platform_aliases') }}
),

match_input as (
    select
        s.*,
        f.loaded_at as _loaded_at,
        cast(s.session_date as {{ dbt.type_string() }}) || '|' || s.source_medium || '|'
        || coalesce(s.session_campaign, '') as _match_key,
        cast(null as {{ dbt.type_string() }}) as _match_url,
        s.campaign_label as _match_label,
        cast(null as {{ dbt.type_string() }}) as _match_text,
        s.session_date as _match_date
    from sessions as s
    left join files as f
        on s._file_id = f.file_id
    where {{ matched_since_last_build('f.loaded_at') }}
),

{{ match_to_campaigns('match_input', 'campaigns', 'files') }},

-- The platform of each distinct source label, normalised once per label, not once per row.
source_platforms as (
    select s.traffic_source, a.platform
    from (select distinct traffic_source from matched) as s
    inner join aliases as a
        on {{ normalise_name('s.traffic_source') }} = {{ normalise_name('a.alias') }}
),

final as (
    select
        m._match_key as session_row_id,
        m.session_date,
        m.source_medium,
        m.session_campaign,
        m.traffic_source,
        m.traffic_medium,
        coalesce(p.platform, 'other') as platform,
        m.sessions,
        m.engaged_sessions,
        m.key_events,
        m.revenue,
        m.currency,
        m.campaign_id,
        m.match_rule,
        m._file_id,
        m._exported_at,
        {{ newest('m._loaded_at', 'm._campaign_loaded_at') }} as _loaded_at
    from matched as m
    left join source_platforms as p
        on m.traffic_source = p.traffic_source
)

select * from final
