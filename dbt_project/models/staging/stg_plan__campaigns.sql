with

source as (
    {{ latest_snapshot(source('raw', 'campaigns'), ['campaign_id']) }}
),

renamed as (
    select
        trim(campaign_id) as campaign_id,
        trim(campaign_name) as campaign_name,
        lower(trim(utm_campaign)) as utm_campaign,
        case
            when nullif(trim(hashtag), '') is not null
                then '#' || ltrim(lower(trim(hashtag)), '#')
        end as hashtag,
        lower(trim(channel)) as channel,
        start_date,
        end_date,
        budget,
        upper(coalesce(nullif(trim(currency), ''), '{{ var("reporting_currency") }}')) as currency,
        {{ normalise_name('utm_campaign') }} as utm_campaign_key,
        {{ normalise_name('campaign_name') }} as campaign_name_key,
        _file_id,
        _exported_at
    from source
)

select * from renamed
