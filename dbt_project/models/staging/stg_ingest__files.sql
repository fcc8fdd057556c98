-- The ingest manifest, one row per file content (file_id, a SHA-256): the copy whose rows were
-- loaded (a byte-identical copy elsewhere is a 'duplicate'; unreadable files have no file_id).
-- loaded_at is when the rows reached the warehouse; models carry it as _loaded_at so
-- incremental runs find late files.
with

source as (
    select * from {{ source('raw', '_files') }}
    where file_id is not null
    qualify row_number() over (
        partition by file_id
        order by case when status = 'loaded' then 0 else 1 end, loaded_at, path
    ) = 1
),

renamed as (
    select
        file_id,
        path,
        format,
        status,
        exported_at,
        loaded_at
    from source
)

select * from renamed
