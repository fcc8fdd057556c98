-- Every CRM person's touches, matched to campaigns. HubSpot contacts have a first touch
-- (Original Source + drill-downs) and a last touch (Latest Source + drill-downs); a Salesforce
-- lead has one touch (UTM Campaign, Lead Source), recorded as both. Drill-Down 2 / UTM Campaign
-- is the campaign name (rule 2); a drill-down holding a URL with utm_campaign= matches by rule 1.
-- The platform is Drill-Down 1 (else the source label) through seed platform_aliases, else 'other'.
with

contacts as (select * from {{ ref('stg_hubspot__contacts') }}),
sf_leads as (select * from {{ ref('stg_salesforce__leads') }}),
campaigns as (select * from {{ ref('stg_plan__campaigns') }}),
aliases as (select * from {{ ref('platform_aliases') }}),
files as (select * from {{ ref('stg_ingest__files') }}),

touches as (
    {%- for touch, position in [('first_touch', 1), ('last_touch', 2)] %}
    select
        'hubspot' as crm, contact_id as person_id, is_lead, lead_at, lead_date,
        '{{ touch }}' as touch, {{ position }} as touch_position,
        {{ touch }}_source as touch_source, {{ touch }}_platform as touch_detail,
        {{ touch }}_campaign as touch_campaign, _file_id
    from contacts
    union all
    select
        'salesforce' as crm, lead_id as person_id, true as is_lead, lead_at, lead_date,
        '{{ touch }}' as touch, {{ position }} as touch_position,
        touch_source, cast(null as {{ dbt.type_string() }}) as touch_detail,
        touch_campaign, _file_id
    from sf_leads
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

-- Matching reads only a touch's detail and campaign: a few thousand distinct pairs for millions
-- of touches, so each pair is matched once and joined back to its touches.
touch_subjects as (
    select
        touch_detail,
        touch_campaign,
        row_number() over () as _match_key,
        coalesce(touch_detail, '') || ' ' || coalesce(touch_campaign, '') as _match_url,
        touch_campaign as _match_label,
        cast(null as {{ dbt.type_string() }}) as _match_text,
        cast(null as date) as _match_date
    from (select distinct touch_detail, touch_campaign from touches) as d
),

{{ match_to_campaigns('touch_subjects', 'campaigns', 'files') }},

-- The platform of each distinct (detail, source) pair, normalised once per pair, not per row.
touch_platforms as (
    select
        t.touch_detail,
        t.touch_source,
        coalesce(by_detail.platform, by_source.platform) as platform
    from (select distinct touch_detail, touch_source from touches) as t
    left join aliases as by_detail
        on {{ normalise_name('t.touch_detail') }} = {{ normalise_name('by_detail.alias') }}
    left join aliases as by_source
        on {{ normalise_name('t.touch_source') }} = {{ normalise_name('by_source.alias') }}
),

final as (
    select
        t.crm || ':' || t.person_id as person_key,
        t.crm,
        t.person_id,
        t.is_lead,
        t.lead_at,
        t.lead_date,
        t.touch,
        t.touch_position,
        t.touch_source,
        t.touch_detail,
        t.touch_campaign,
        coalesce(p.platform, 'other') as platform,
        m.campaign_id,
        m.match_rule,
        t._file_id,
        {{ newest('f.loaded_at', 'm._campaign_loaded_at') }} as _loaded_at
    from touches as t
    inner join matched as m
        on t.touch_detail is not distinct from m.touch_detail
        and t.touch_campaign is not distinct from m.touch_campaign
    left join files as f
        on t._file_id = f.file_id
    left join touch_platforms as p
        on t.touch_detail is not distinct from p.touch_detail
        and t.touch_source is not distinct from p.touch_source
)

select * from final
