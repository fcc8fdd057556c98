with

source as (
    select * from {{ source('raw', 'campaigns') }}
    {{ latest_snapshot(['campaign_id']) }}
),

renamed as (
    select
        campaign_id,
        campaign_name,
        lower(trim(utm_campaign)) as utm_campaign,
        nullif(lower(trim(hashtag)), '') as hashtag,
        lower(channel) as channel,
        start_date,
        coalesce(end_date, start_date) as end_date,
        budget,
        upper(coalesce(currency, '{{ var("reporting_currency") }}')) as currency,
        {{ normalise_name('utm_campaign') }} as utm_campaign_key,
        {{ normalise_name('campaign_name') }} as campaign_name_key,
    from source
)

select * from renamed
