-- Baseline (a): the headline measures per provider and reporting month in ONE hand-written DuckDB
-- query, straight from the landing tables (schema `landing`, items as submitted text), written for
-- speed: one pass per landing table, no views, no seeds. It re-implements
-- /work/shared/spec/derivation-rules.md independently of the dbt models, so that it can check them.
--
-- Output: provider_code, reporting_period_start, measure_id, measure_value (exact, unsuppressed), one
-- row per measure for every provider-month with an in-use submission. Run it with
--   duckdb -readonly warehouse/iapt.duckdb < bench/baselines/headline.sql
-- or through bench/baselines/runner.py.
--
-- Choices where the rules leave one open (the same as the warehouse's named choices):
--   * ties between presenting complaints of one date are broken by the greater record id;
--   * in a v2.0 month, a v1.5 ProvDiag sent in an earlier month is a known complaint (primary, dated
--     by the end of its month), as rule 1.5 counts presenting complaints of all months up to M;
--   * score differences are compared in decimal arithmetic (scores are read as DECIMAL(18, 4)), so
--     3.03 - 2.30 is exactly 0.73.
with

-- rule 1.1: in-use submission per provider-month (latest Refresh, else latest Primary; Late never)
submission_windows as (
    select
        submission_id,
        org_code_provider as prov,
        reporting_period_start as rps,
        reporting_period_end as rpe,
        dataset_version as ver,
        created_at,
        load_seq,
        case date_diff('month', reporting_period_start, date_trunc('month', created_at))
            when 1 then 1
            when 2 then 2
        end as window_rank
    from landing.submissions
    where status <> 'rejected'
),

in_use as (
    select submission_id, prov, rps, rpe, ver
    from submission_windows
    where window_rank is not null
    qualify row_number() over (
        partition by prov, rps order by window_rank desc, created_at desc, load_seq desc
    ) = 1
),

-- rules 1.2-1.4: the pathways of month M with the referral items of the month-M submission
referrals as (
    select
        s.prov,
        s.rps,
        s.rpe,
        s.ver,
        trim(r.servicerequestid) as srid,
        cast(try_strptime(nullif(trim(r.referralrequestreceiveddate), ''), '%Y-%m-%d') as date) as ref_date,
        cast(try_strptime(nullif(trim(r.servdischdate), ''), '%Y-%m-%d') as date) as disch_date
    from landing.ids101referral as r
    inner join in_use as s on r._submission_id = s.submission_id
    union all
    select
        s.prov,
        s.rps,
        s.rpe,
        s.ver,
        trim(r.serviceid) as srid,
        cast(try_strptime(nullif(trim(r.refrecdate), ''), '%d/%m/%Y') as date) as ref_date,
        cast(try_strptime(nullif(trim(r.enddate), ''), '%d/%m/%Y') as date) as disch_date
    from landing.iaptdatasetreferral as r
    inner join in_use as s on r._submission_id = s.submission_id
),

pathways as (
    select
        *,
        coalesce(disch_date <= rpe, false) as discharged,
        coalesce(disch_date between rps and rpe, false) as ended,
        case when disch_date <= rpe then disch_date else rpe end as range_end
    from referrals
),

-- rule 1.5: every version of every record, with the month its next version arrives
contact_versions as (
    select
        prov,
        srid,
        vm,
        contact_date,
        is_session,
        lead(vm) over (partition by prov, record_key order by vm) as superseded_from
    from (
        select
            s.prov,
            s.rps as vm,
            trim(c.carecontactid) as record_key,
            trim(c.servicerequestid) as srid,
            cast(try_strptime(nullif(trim(c.carecontdate), ''), '%Y-%m-%d') as date) as contact_date,
            -- rules 2.1 and 2.2: attended (or unplanned) and a treatment appointment type
            (
                coalesce(try_cast(trim(c.attendordnacode) as integer) in (5, 6), false)
                or coalesce(upper(trim(c.plannedcarecontindicator)) = 'N', false)
            )
            and coalesce(try_cast(trim(c.apptype) as integer) in (2, 3, 5), false) as is_session
        from landing.ids201carecontact as c
        inner join in_use as s on c._submission_id = s.submission_id
        union all
        select
            s.prov,
            s.rps as vm,
            'A' || trim(a.appointmentid) as record_key,
            trim(a.serviceid) as srid,
            cast(try_strptime(nullif(trim(a.appointment), ''), '%d/%m/%Y') as date) as contact_date,
            coalesce(try_cast(trim(a.attendance) as integer) in (5, 6), false)
            and coalesce(try_cast(trim(a.apptype) as integer) in (2, 3, 5), false) as is_session
        from landing.iaptdatasetappointment as a
        inner join in_use as s on a._submission_id = s.submission_id
        union all
        -- IET logs are treatment sessions dated at their start date (rule 2.2)
        select
            s.prov,
            s.rps as vm,
            'I' || trim(l.servicerequestid) || '|' || coalesce(trim(l.startdateintenabledtherlog), '') || '|'
            || coalesce(trim(l.intenabledtherprog), '') as record_key,
            trim(l.servicerequestid) as srid,
            cast(try_strptime(nullif(trim(l.startdateintenabledtherlog), ''), '%Y-%m-%d') as date) as contact_date,
            true as is_session
        from landing.ids205internettherlog as l
        inner join in_use as s on l._submission_id = s.submission_id
    )
),

-- rule 2.4: sessions per pathway-month (only treatment sessions are needed for the headline)
sessions as (
    select
        p.prov,
        p.rps,
        p.srid,
        count(*) as n_sessions,
        min(v.contact_date) as first_session
    from pathways as p
    inner join contact_versions as v
        on
            p.prov = v.prov and p.srid = v.srid and v.vm <= p.rps
            and (v.superseded_from is null or p.rps < v.superseded_from)
    where v.is_session and v.contact_date between p.ref_date and p.range_end
    group by p.prov, p.rps, p.srid
),

-- rule 3.1: scores of both versions on one tool code; v1.5 IES-R gets the project code 'IESR'
tools as (
    select *
    from (
        values
        ('720433000', 0.0, 27.0, '>=', 10.0, 6.0),
        ('445455005', 0.0, 21.0, '>=', 8.0, 4.0),
        ('473355002', 1.0, 5.0, '>', 2.3, 0.73),
        ('445552006', 0.0, 68.0, '>=', 19.0, 10.0),
        ('450326007', 0.0, 28.0, '>=', 8.0, 6.0),
        ('491581000000104', 0.0, 80.0, '>=', 32.0, 10.0),
        ('IESR', 0.0, 88.0, '>=', 33.0, 9.0),
        ('450324005', 0.0, 168.0, '>=', 40.0, 32.0),
        ('446793008', 0.0, 54.0, '>=', 18.0, 4.0)
    ) as t (tool, min_score, max_score, op, caseness, rci)
),

activity_scores as (
    select
        s.prov,
        s.rps as vm,
        'IDS607' as src,
        trim(sc.careactid) as record_id,
        trim(sc.codedasstooltype) as tool,
        sc.persscore as score_text,
        trim(c.servicerequestid) as srid,
        cast(try_strptime(nullif(trim(c.carecontdate), ''), '%Y-%m-%d') as date) as score_date,
        nullif(trim(c.careconttime), '') as score_time
    from landing.ids607codedscoreassessmentact as sc
    inner join in_use as s on sc._submission_id = s.submission_id
    inner join landing.ids202careactivity as ca
        on sc._submission_id = ca._submission_id and trim(sc.careactid) = trim(ca.careactid)
    inner join landing.ids201carecontact as c
        on ca._submission_id = c._submission_id and trim(ca.carecontactid) = trim(c.carecontactid)
),

referral_scores as (
    select
        s.prov,
        s.rps as vm,
        'IDS606' as src,
        trim(sc.servicerequestid) || '|' || trim(sc.codedasstooltype) || '|' || coalesce(trim(sc.asstoolcompdate), '')
        || '|' || coalesce(trim(sc.asstoolcomptime), '') as record_id,
        trim(sc.codedasstooltype) as tool,
        sc.persscore as score_text,
        trim(sc.servicerequestid) as srid,
        cast(try_strptime(nullif(trim(sc.asstoolcompdate), ''), '%Y-%m-%d') as date) as score_date,
        nullif(trim(sc.asstoolcomptime), '') as score_time
    from landing.ids606codedscoreassessmentrefer as sc
    inner join in_use as s on sc._submission_id = s.submission_id
),

appointment_scores as (
    select
        s.prov,
        s.rps as vm,
        'IAPTDataSetAppointment' as src,
        trim(a.appointmentid) as record_id,
        u.tool,
        u.score_text,
        trim(a.serviceid) as srid,
        cast(try_strptime(nullif(trim(a.appointment), ''), '%d/%m/%Y') as date) as score_date,
        nullif(trim(a.appointmenttime), '') as score_time
    from landing.iaptdatasetappointment as a
    inner join in_use as s on a._submission_id = s.submission_id
    cross join lateral (
        values
        ('720433000', a.phq9_score),
        ('445455005', a.gad7score),
        ('473355002', a.agorascore),
        ('445552006', a.socphobiascore),
        ('450326007', a.panicscore),
        ('450324005', a.ociscore),
        ('IESR', a.iesrscore),
        ('446793008', a.haiscore)
    ) as u (tool, score_text)
    where nullif(trim(u.score_text), '') is not null
),

score_versions as (
    select
        *,
        lead(vm) over (partition by prov, src, record_id, tool order by vm) as superseded_from
    from (
        select * from activity_scores
        union all
        select * from referral_scores
        union all
        select * from appointment_scores
    )
),

-- rules 3.2 and 3.3: valid scores dated within the pathway's range, first and last per tool
usable_scores as (
    select
        p.prov,
        p.rps,
        p.srid,
        v.tool,
        try_cast(trim(v.score_text) as decimal(18, 4)) as score,
        v.score_date,
        v.score_time,
        v.record_id,
        v.src
    from pathways as p
    inner join score_versions as v
        on
            p.prov = v.prov and p.srid = v.srid and v.vm <= p.rps
            and (v.superseded_from is null or p.rps < v.superseded_from)
    inner join tools as t on v.tool = t.tool
    where
        v.score_date between p.ref_date and p.range_end
        and try_cast(trim(v.score_text) as decimal(18, 4)) between t.min_score and t.max_score
),

paired as (
    select
        prov,
        rps,
        srid,
        tool,
        arg_min(score, (score_date, coalesce(score_time, ''), record_id, src)) as first_score,
        arg_max(score, (score_date, coalesce(score_time, ''), record_id, src)) as last_score
    from usable_scores
    group by prov, rps, srid, tool
    having count(*) >= 2
),

-- rule 3.4: the problem descriptor at M
complaints as (
    select
        s.prov,
        s.rps as vm,
        s.ver,
        trim(pc.servicerequestid) as srid,
        trim(pc.servicerequestid) || '|' || coalesce(trim(pc.prescomp), '') || '|'
        || coalesce(trim(pc.prescompcodsig), '') || '|' || coalesce(trim(pc.prescompdate), '') as record_id,
        upper(replace(trim(pc.prescomp), '.', '')) as code,
        upper(trim(pc.prescompcodsig)) = 'P' as is_primary,
        cast(try_strptime(nullif(trim(pc.prescompdate), ''), '%Y-%m-%d') as date) as complaint_date
    from landing.ids603presentingcomplaints as pc
    inner join in_use as s on pc._submission_id = s.submission_id
    union all
    select
        s.prov,
        s.rps as vm,
        s.ver,
        trim(r.serviceid) as srid,
        trim(r.serviceid) || '|ProvDiag' as record_id,
        upper(replace(trim(r.provdiag), '.', '')) as code,
        true as is_primary,
        s.rpe as complaint_date
    from landing.iaptdatasetreferral as r
    inner join in_use as s on r._submission_id = s.submission_id
    where nullif(trim(r.provdiag), '') is not null
),

complaint_versions as (
    select
        *,
        lead(vm) over (partition by prov, record_id order by vm) as superseded_from
    from complaints
),

descriptors as (
    select
        p.prov,
        p.rps,
        p.srid,
        case
            when v.code = 'F400' then '473355002'
            when v.code = 'F401' then '445552006'
            when v.code = 'F410' then '450326007'
            when v.code = 'F431' and p.ver = '1.5' then 'IESR'
            when v.code = 'F431' then '491581000000104'
            when v.code like 'F42_' then '450324005'
            when v.code = 'F452' then '446793008'
        end as own_tool
    from pathways as p
    inner join complaint_versions as v
        on
            p.prov = v.prov and p.srid = v.srid and v.vm <= p.rps
            and (v.superseded_from is null or p.rps < v.superseded_from)
            and (p.ver = '2.0' or v.vm = p.rps)
    qualify row_number() over (
        partition by p.prov, p.rps, p.srid
        order by v.is_primary desc, v.complaint_date desc nulls last, v.record_id desc
    ) = 1
),

-- rules 3.5 and 4: ADSM choice and outcome flags of pathways that ended in M after a finished course
outcomes as (
    select
        p.prov,
        p.rps,
        p.srid,
        p.ref_date,
        p.ended and coalesce(ses.n_sessions >= 2, false) as finished,
        ses.first_session,
        phq.first_score as phq_first,
        phq.last_score as phq_last,
        coalesce(own.first_score, gad.first_score) as adsm_first,
        coalesce(own.last_score, gad.last_score) as adsm_last,
        coalesce(own.tool, gad.tool) as adsm_tool
    from pathways as p
    left join sessions as ses on p.prov = ses.prov and p.rps = ses.rps and p.srid = ses.srid
    left join descriptors as d on p.prov = d.prov and p.rps = d.rps and p.srid = d.srid
    left join paired as phq
        on p.prov = phq.prov and p.rps = phq.rps and p.srid = phq.srid and phq.tool = '720433000'
    left join paired as own
        on p.prov = own.prov and p.rps = own.rps and p.srid = own.srid and own.tool = d.own_tool
    left join paired as gad
        on p.prov = gad.prov and p.rps = gad.rps and p.srid = gad.srid and gad.tool = '445455005'
),

flags as (
    select
        o.*,
        o.finished and o.phq_first is not null and o.adsm_tool is not null as assessed,
        o.phq_first >= 10 as phq_first_case,
        o.phq_last >= 10 as phq_last_case,
        case when t.op = '>' then o.adsm_first > t.caseness else o.adsm_first >= t.caseness end as adsm_first_case,
        case when t.op = '>' then o.adsm_last > t.caseness else o.adsm_last >= t.caseness end as adsm_last_case,
        o.phq_first - o.phq_last >= 6 or o.adsm_first - o.adsm_last >= t.rci as improved,
        o.phq_last - o.phq_first >= 6 or o.adsm_last - o.adsm_first >= t.rci as deteriorated
    from outcomes as o
    left join tools as t on o.adsm_tool = t.tool
),

per_pathway as (
    select
        prov,
        rps,
        finished,
        first_session - ref_date as wait_days,
        assessed and (phq_first_case or adsm_first_case) as caseness,
        assessed and not (phq_first_case or adsm_first_case) as not_caseness,
        assessed and (phq_first_case or adsm_first_case) and not phq_last_case and not adsm_last_case as recovered,
        assessed and improved and not deteriorated as reliably_improved,
        assessed and deteriorated and not improved as reliably_deteriorated
    from flags
),

counts as (
    select
        p.prov,
        p.rps,
        count(*) filter (where p.ref_date between p.rps and p.rpe) as m001,
        count(*) filter (where ses.first_session between p.rps and p.rpe) as m031,
        count(*) filter (where p.ended) as m056
    from pathways as p
    left join sessions as ses on p.prov = ses.prov and p.rps = ses.rps and p.srid = ses.srid
    group by p.prov, p.rps
),

outcome_counts as (
    select
        prov,
        rps,
        count(*) filter (where finished) as m076,
        count(*) filter (where finished and wait_days <= 42) as m052,
        count(*) filter (where finished and wait_days <= 126) as m054,
        count(*) filter (where not_caseness) as m179,
        count(*) filter (where reliably_improved) as m185,
        count(*) filter (where reliably_deteriorated) as m189,
        count(*) filter (where recovered) as m191
    from per_pathway
    group by prov, rps
),

months as (
    select
        c.*,
        o.m076,
        o.m052,
        o.m054,
        o.m179,
        o.m185,
        o.m189,
        o.m191
    from counts as c
    inner join outcome_counts as o on c.prov = o.prov and c.rps = o.rps
)

select
    m.prov as provider_code,
    m.rps as reporting_period_start,
    u.measure_id,
    u.measure_value
from months as m
cross join lateral (
    values
    ('M001', m.m001::double),
    ('M031', m.m031::double),
    ('M056', m.m056::double),
    ('M076', m.m076::double),
    ('M052', m.m052::double),
    ('M053', m.m052 / nullif(m.m076, 0)::double * 100),
    ('M054', m.m054::double),
    ('M055', m.m054 / nullif(m.m076, 0)::double * 100),
    ('M179', m.m179::double),
    ('M185', m.m185::double),
    ('M189', m.m189::double),
    ('M191', m.m191::double),
    ('M192', m.m191 / nullif(m.m076 - m.m179, 0)::double * 100)
) as u (measure_id, measure_value)
order by provider_code, reporting_period_start, measure_id
