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

match_input as (
    select
        t.*,
        f.loaded_at as _loaded_at,
        t.crm || ':' || t.person_id || ':' || t.touch as _match_key,
        coalesce(t.touch_detail, '') || ' ' || coalesce(t.touch_campaign, '') as _match_url,
        t.touch_campaign as _match_label,
        cast(null as {{ dbt.type_string() }}) as _match_text,
        t.lead_date as _match_date
    from touches as t
    left join files as f
        on t._file_id = f.file_id
),

{{ match_to_campaigns('match_input', 'campaigns', 'files') }},

-- The platform of each distinct (detail, source) pair, normalised once per pair, not per row.
touch_platforms as (
    select
        t.touch_detail,
        t.touch_source,
        coalesce(by_detail.platform, by_source.platform) as platform
    from (select distinct touch_detail, touch_source from matched) as t
    left join aliases as by_detail
        on {{ normalise_name('t.touch_detail') }} = {{ normalise_name('by_detail.alias') }}
    left join aliases as by_source
        on {{ normalise_name('t.touch_source') }} = {{ normalise_name('by_source.alias') }}
),

final as (
    select
        m.crm || ':' || m.person_id as person_key,
        m.crm,
        m.person_id,
        m.is_lead,
        m.lead_at,
        m.lead_date,
        m.touch,
        m.touch_position,
        m.touch_source,
        m.touch_detail,
        m.touch_campaign,
        coalesce(p.platform, 'other') as platform,
        m.campaign_id,
        m.match_rule,
        m._file_id,
        {{ newest('m._loaded_at', 'm._campaign_loaded_at') }} as _loaded_at
    from matched as m
    left join touch_platforms as p
        on m.touch_detail is not distinct from p.touch_detail
        and m.touch_source is not distinct from p.touch_source
)

select * from final
