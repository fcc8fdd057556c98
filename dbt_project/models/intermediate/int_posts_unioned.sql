-- Every platform's posts in one shape (the staging column list), with engagements computed
-- once: likes/reactions + comments + shares/reposts + saves (NULL when none is reported),
-- and _loaded_at, when the row's file was loaded (ingest manifest).
with

facebook as (select * from {{ ref('stg_meta__posts') }}),
instagram as (select * from {{ ref('stg_instagram__posts') }}),
linkedin as (select * from {{ ref('stg_linkedin__posts') }}),
x as (select * from {{ ref('stg_x__posts') }}),
tiktok as (select * from {{ ref('stg_tiktok__videos') }}),
youtube as (select * from {{ ref('stg_youtube__videos') }}),
pinterest as (select * from {{ ref('stg_pinterest__pins') }}),
files as (select * from {{ ref('stg_ingest__files') }}),

unioned as (
    select 'facebook_posts' as source, * from facebook
    union all
    select 'instagram_posts' as source, * from instagram
    union all
    select 'linkedin_posts' as source, * from linkedin
    union all
    select 'x_posts' as source, * from x
    union all
    select 'tiktok_videos' as source, * from tiktok
    union all
    select 'youtube_videos' as source, * from youtube
    union all
    select 'pinterest_pins' as source, * from pinterest
),

final as (
    select
        u.*,
        case
            when coalesce(u.likes, u.comments, u.shares, u.saves) is not null
                then coalesce(u.likes, 0) + coalesce(u.comments, 0) + coalesce(u.shares, 0)
                + coalesce(u.saves, 0)
        end as engagements,
        f.loaded_at as _loaded_at
    from unioned as u
    left join files as f
        on u._file_id = f.file_id
)

select * from final
