/**
 * Versioned schema migrations for the PostgreSQL adapter. Append new entries; never edit an
 * applied one (the runner records each version once). `sql` gets the quoted schema name.
 */
export interface Migration {
  version: number;
  name: string;
  sql: (schema: string, lockClass: number) => string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'streams, events, append function',
    sql: (s, lockClass) => `
CREATE TABLE ${s}.streams (
  stream_id       text PRIMARY KEY,
  category        text NOT NULL,
  version         bigint NOT NULL DEFAULT 0,
  last_hash       bytea NOT NULL DEFAULT '\\x${'00'.repeat(32)}'::bytea,
  truncate_before bigint,
  max_age_seconds bigint,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- global_position = (transaction id << 20) + index of the event in its append: see
-- docs/event-store.md for why readers that stop below the oldest running transaction never
-- skip a late commit.
CREATE TABLE ${s}.events (
  global_position bigint PRIMARY KEY,
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL,
  category        text NOT NULL,
  event_id        uuid NOT NULL,
  event_type      text NOT NULL,
  schema_version  integer NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  prev_hash       bytea NOT NULL,
  hash            bytea NOT NULL,
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);
CREATE INDEX events_category_position_idx ON ${s}.events (category, global_position);

-- The result of an earlier append of exactly these event ids to this stream (no row if none).
CREATE FUNCTION ${s}.stored_append(p_stream text, p_ids uuid[])
RETURNS TABLE (status text, stream_version bigint, positions bigint[], other_stream text)
LANGUAGE sql STABLE AS $fn$
  SELECT 'duplicate'::text, max(e.stream_version), array_agg(e.global_position ORDER BY u.ord), NULL::text
    FROM unnest(p_ids) WITH ORDINALITY AS u(id, ord)
    JOIN ${s}.events e ON e.event_id = u.id
  HAVING count(*) = cardinality(p_ids) AND bool_and(e.stream_id = p_stream)
$fn$;

-- One call = one append = one transaction (the caller runs it in autocommit).
CREATE FUNCTION ${s}.append_events(
  p_stream text, p_category text, p_expected_kind text, p_expected bigint,
  p_ids uuid[], p_types text[], p_schema_versions integer[], p_data text[], p_metadata text[], p_digests bytea[]
) RETURNS TABLE (status text, stream_version bigint, positions bigint[], other_stream text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_n integer := cardinality(p_ids);
  v_inserted integer;
  v_other text;
  v_version bigint;
  v_hash bytea;
  v_base bigint;
  v_prevs bytea[] := '{}';
  v_hashes bytea[] := '{}';
  i integer;
BEGIN
  -- Serialize appends per stream BEFORE this transaction gets its id: an append that waited
  -- for another one on the same stream then always has the larger transaction id, so the
  -- stream's order and the global order agree. Advisory locks assign no transaction id.
  PERFORM pg_advisory_xact_lock(${lockClass}, hashtext(p_stream));

  SELECT st.version, st.last_hash INTO v_version, v_hash FROM ${s}.streams st WHERE st.stream_id = p_stream;
  IF NOT FOUND THEN
    v_version := 0;
    v_hash := '\\x${'00'.repeat(32)}'::bytea;
  END IF;
  IF (p_expected_kind = 'no_stream' AND v_version > 0)
     OR (p_expected_kind = 'stream_exists' AND v_version = 0)
     OR (p_expected_kind = 'exact' AND v_version <> p_expected) THEN
    -- A retry of an append that went through finds the stream moved on: report that result.
    RETURN QUERY SELECT * FROM ${s}.stored_append(p_stream, p_ids);
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'wrong_version'::text, v_version, NULL::bigint[], NULL::text;
    END IF;
    RETURN;
  END IF;

  v_base := pg_current_xact_id()::text::bigint;
  IF v_base >= (1::bigint << 43) THEN
    RAISE EXCEPTION 'transaction id % exceeds the 43 bits global positions allow', v_base;
  END IF;
  v_base := v_base << 20;

  FOR i IN 1 .. v_n LOOP
    v_prevs[i] := v_hash;
    v_hash := sha256(v_hash || int8send(v_version + i) || p_digests[i]);
    v_hashes[i] := v_hash;
  END LOOP;

  INSERT INTO ${s}.events (global_position, stream_id, stream_version, category, event_id, event_type,
                           schema_version, data, metadata, prev_hash, hash)
  SELECT v_base + u.ord - 1, p_stream, v_version + u.ord, p_category, u.id, u.t, u.sv, u.d::jsonb, u.m::jsonb,
         u.ph, u.h
    FROM unnest(p_ids, p_types, p_schema_versions, p_data, p_metadata, v_prevs, v_hashes)
         WITH ORDINALITY AS u(id, t, sv, d, m, ph, h, ord)
  ON CONFLICT (event_id) DO NOTHING;
  GET DIAGNOSTICS v_inserted = ROW_COUNT;
  IF v_inserted < v_n THEN
    -- Some ids are stored already: checked here rather than up front, to keep the common path short.
    IF v_inserted = 0 THEN
      RETURN QUERY SELECT * FROM ${s}.stored_append(p_stream, p_ids);
      IF FOUND THEN
        RETURN;
      END IF;
    END IF;
    SELECT max(e.stream_id) FILTER (WHERE e.stream_id <> p_stream) INTO v_other
      FROM ${s}.events e WHERE e.event_id = ANY (p_ids);
    -- Raising undoes the part of the batch that went in: an append is all or nothing.
    RAISE EXCEPTION 'event ids already stored' USING ERRCODE = 'NG001', DETAIL = coalesce(v_other, p_stream);
  END IF;

  INSERT INTO ${s}.streams AS st (stream_id, category, version, last_hash)
  VALUES (p_stream, p_category, v_version + v_n, v_hash)
  ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, last_hash = EXCLUDED.last_hash, updated_at = now();

  RETURN QUERY SELECT 'ok'::text, v_version + v_n,
    ARRAY(SELECT v_base + g FROM generate_series(0, v_n - 1) AS g), NULL::text;
END
$fn$;

-- Checkpoints of long-running readers of the log (the relay, projections).
CREATE TABLE ${s}.checkpoints (
  name       text PRIMARY KEY,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: 'append_batch: several appends in one transaction',
    sql: (s, lockClass) => `
-- Group commit: the appends of several writers, each to its own stream, in one transaction and
-- one round trip. Each append keeps its own expected-version check and result row (in input
-- order); only a partial duplicate raises, which undoes the whole group so the caller can run
-- its appends one by one. Every stream lock is taken before the transaction id, in lock-key
-- order, so concurrent groups never deadlock and the ordering argument of append_events holds.
CREATE FUNCTION ${s}.append_batch(
  p_streams text[], p_categories text[], p_kinds text[], p_expected bigint[], p_counts integer[],
  p_ids uuid[], p_types text[], p_schema_versions integer[], p_data text[], p_metadata text[], p_digests bytea[]
) RETURNS TABLE (status text, stream_version bigint, positions bigint[], other_stream text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_key integer;
  v_base bigint;
  v_next bigint := 0;
  v_from integer := 1;
  v_to integer;
  v_n integer;
  v_stream text;
  v_ids uuid[];
  v_inserted integer;
  v_version bigint;
  v_hash bytea;
  v_prevs bytea[];
  v_hashes bytea[];
  a integer;
  i integer;
BEGIN
  FOR v_key IN SELECT DISTINCT hashtext(x) FROM unnest(p_streams) AS x ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(${lockClass}, v_key);
  END LOOP;

  v_base := pg_current_xact_id()::text::bigint;
  IF v_base >= (1::bigint << 43) THEN
    RAISE EXCEPTION 'transaction id % exceeds the 43 bits global positions allow', v_base;
  END IF;
  v_base := v_base << 20;

  FOR a IN 1 .. cardinality(p_streams) LOOP
    v_stream := p_streams[a];
    v_n := p_counts[a];
    v_to := v_from + v_n - 1;
    v_ids := p_ids[v_from:v_to];
    SELECT st.version, st.last_hash INTO v_version, v_hash FROM ${s}.streams st WHERE st.stream_id = v_stream;
    IF NOT FOUND THEN
      v_version := 0;
      v_hash := '\\x${'00'.repeat(32)}'::bytea;
    END IF;
    IF (p_kinds[a] = 'no_stream' AND v_version > 0)
       OR (p_kinds[a] = 'stream_exists' AND v_version = 0)
       OR (p_kinds[a] = 'exact' AND v_version <> p_expected[a]) THEN
      RETURN QUERY SELECT * FROM ${s}.stored_append(v_stream, v_ids);
      IF NOT FOUND THEN
        RETURN QUERY SELECT 'wrong_version'::text, v_version, NULL::bigint[], NULL::text;
      END IF;
    ELSE
      v_prevs := '{}';
      v_hashes := '{}';
      FOR i IN 1 .. v_n LOOP
        v_prevs[i] := v_hash;
        v_hash := sha256(v_hash || int8send(v_version + i) || p_digests[v_from + i - 1]);
        v_hashes[i] := v_hash;
      END LOOP;

      INSERT INTO ${s}.events (global_position, stream_id, stream_version, category, event_id, event_type,
                               schema_version, data, metadata, prev_hash, hash)
      SELECT v_base + v_next + u.ord - 1, v_stream, v_version + u.ord, p_categories[a], u.id, u.t, u.sv,
             u.d::jsonb, u.m::jsonb, u.ph, u.h
        FROM unnest(v_ids, p_types[v_from:v_to], p_schema_versions[v_from:v_to], p_data[v_from:v_to],
                    p_metadata[v_from:v_to], v_prevs, v_hashes) WITH ORDINALITY AS u(id, t, sv, d, m, ph, h, ord)
      ON CONFLICT (event_id) DO NOTHING;
      GET DIAGNOSTICS v_inserted = ROW_COUNT;
      IF v_inserted = 0 THEN
        RETURN QUERY SELECT * FROM ${s}.stored_append(v_stream, v_ids);
        IF NOT FOUND THEN
          RAISE EXCEPTION 'event ids already stored' USING ERRCODE = 'NG001', DETAIL = v_stream;
        END IF;
      ELSIF v_inserted < v_n THEN
        RAISE EXCEPTION 'event ids already stored' USING ERRCODE = 'NG001', DETAIL = v_stream;
      ELSE
        INSERT INTO ${s}.streams AS st (stream_id, category, version, last_hash)
        VALUES (v_stream, p_categories[a], v_version + v_n, v_hash)
        ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, last_hash = EXCLUDED.last_hash,
          updated_at = now();
        RETURN QUERY SELECT 'ok'::text, v_version + v_n,
          ARRAY(SELECT v_base + v_next + g FROM generate_series(0, v_n - 1) AS g), NULL::text;
        v_next := v_next + v_n;
      END IF;
    END IF;
    v_from := v_to + 1;
  END LOOP;
END
$fn$;
`,
  },
];
