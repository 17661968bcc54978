-- okoro_pipe(auth, events): one database round trip for many proxied requests.
-- This file is the function's one live source. Migrations are generated from it
-- (`npm run db:functions`), and a test holds the newest migration that defines it
-- equal to this file; edit here, never in a migration.
--
-- In one statement, and so one transaction:
--   * for each proxied request in `auth` (in order): the service token is live, its user
--     active, the provider connected; a single-use jti is consumed; the rate limit and the
--     quota are counted; and the proxy.request audit event is appended — or, on the first
--     refusal, nothing more is done for that request and the refusal is returned;
--   * each plain audit event in `events` is appended.
-- Concurrent requests of one process are batched into one call (group commit): they share
-- the round trip and the commit, and each still learns its own outcome.
--
-- Audit hashes are computed here exactly as lib/audit/chain.ts computes them: the app
-- sends the event's canonical JSON in pieces around "seq" (c1, c2) and, when the user is
-- not known yet, around the "user_id" value (c2 ends before it, c3 is what follows it; an
-- app that sends no c3 means "}"). This function fills in seq and user_id.
--
-- Chains: an event carries its chain; a proxied request carries `chain` (its token's
-- user) once the app has learnt it, and is looked up otherwise. A `chain` that is not the
-- token's user fails the whole batch: nothing is written or forwarded.
--
-- Locks: the audit heads of every chain involved are taken first, in sorted order, so two
-- batches (in any number of processes) cannot deadlock on them; every other lock a batch
-- takes belongs to its own users' tokens, which no other batch can be holding then;
-- last_used_at bookkeeping skips rows another transaction holds.
CREATE OR REPLACE FUNCTION okoro_pipe(p_auth jsonb, p_events jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_domain constant bytea := convert_to('okoro-audit-v1', 'UTF8') || '\x00'::bytea;
  v_genesis constant text := repeat('0', 64);
  v_auth jsonb := coalesce(p_auth, '[]'::jsonb);
  v_events jsonb := coalesce(p_events, '[]'::jsonb);
  v_n int := jsonb_array_length(v_auth);
  v_chains text[] := '{}';
  v_lookup boolean := false;
  -- chain → [seq, hash]: the batch's view of each head, written back at the end
  v_heads jsonb;
  -- the batch's audit rows as JSON text: canonical JSON plus chain and hashes
  v_rows text[] := '{}';
  v_results jsonb[] := '{}';
  v_event_results jsonb[] := '{}';
  r jsonb;
  e jsonb;
  i int;
  tok record;
  v_count int;
  v_start timestamptz;
  v_rate jsonb;
  v_quota jsonb;
  v_seq bigint;
  v_prev text;
  v_hash text;
  v_chain text;
  v_canon text;
  v_stale constant timestamptz := now() - interval '1 minute';
BEGIN
  -- 1. every chain this batch appends to (no locks yet), from the payload where it can be:
  -- an event's chain, a proxied request's `chain` (its token's user, checked below)
  FOR i IN 0 .. v_n - 1 LOOP
    v_chain := v_auth->i->>'chain';
    IF v_chain IS NULL THEN
      v_lookup := true;
    ELSE
      v_chains := v_chains || v_chain;
    END IF;
  END LOOP;
  FOR i IN 0 .. jsonb_array_length(v_events) - 1 LOOP
    v_chain := v_events->i->>'chain';
    IF v_chain IS NOT NULL THEN
      v_chains := v_chains || v_chain;
    END IF;
  END LOOP;
  IF v_lookup THEN
    v_chains := v_chains || ARRAY(
      SELECT st.user_id FROM service_tokens st
       WHERE st.id IN (SELECT x->>'token_id' FROM jsonb_array_elements(v_auth) AS x WHERE x->>'chain' IS NULL));
  END IF;

  -- 2. their heads, locked in sorted order and read. A chain's first event creates its head
  -- and goes round once more (after the INSERT every head exists). That INSERT runs while
  -- the other heads are already locked: a writer that wants one of them waits in its own
  -- first statement, before it creates anything.
  LOOP
    SELECT coalesce(jsonb_object_agg(h.chain, jsonb_build_array(h.seq, h.hash)), '{}'::jsonb) INTO v_heads
      FROM (SELECT chain, seq, hash FROM audit_heads WHERE chain = ANY (v_chains) ORDER BY chain FOR UPDATE) h;
    EXIT WHEN v_heads ?& v_chains;
    INSERT INTO audit_heads (chain, seq, hash)
      SELECT DISTINCT c, 0, v_genesis FROM unnest(v_chains) AS c ORDER BY c
      ON CONFLICT (chain) DO NOTHING;
  END LOOP;

  -- 3. the proxied requests
  FOR i IN 0 .. v_n - 1 LOOP
    r := v_auth->i;
    SELECT st.id, st.user_id, st.revoked_at, st.revoked_reason, st.expires_at, st.rate_limit, st.quota, st.quota_period,
           st.last_used_at AS token_used_at, u.status AS user_status,
           c.id AS conn_id, c.provider AS conn_provider, c.method AS conn_method, c.status AS conn_status,
           c.credential AS conn_credential, c.access_expires_at AS conn_access_expires_at, c.last_used_at AS conn_used_at
      INTO tok
      FROM service_tokens st
      JOIN users u ON u.id = st.user_id
      LEFT JOIN connections c ON c.user_id = st.user_id AND c.provider = r->>'provider'
     WHERE st.id = r->>'token_id';
    IF NOT FOUND THEN
      v_results := v_results || jsonb_build_object('outcome', 'no_token');
      CONTINUE;
    END IF;
    IF NOT v_heads ? tok.user_id THEN
      -- only a `chain` that is not this token's user gets here: its chain is not locked
      RAISE EXCEPTION 'okoro_pipe: request % was sent with a chain that is not its token''s user', i;
    END IF;
    IF tok.revoked_at IS NOT NULL THEN
      v_results := v_results || jsonb_build_object('outcome', 'revoked', 'user_id', tok.user_id, 'detail', tok.revoked_reason);
      CONTINUE;
    END IF;
    IF tok.expires_at IS NOT NULL AND tok.expires_at <= now() THEN
      v_results := v_results || jsonb_build_object('outcome', 'expired', 'user_id', tok.user_id);
      CONTINUE;
    END IF;
    IF tok.user_status <> 'active' THEN
      v_results := v_results || jsonb_build_object('outcome', 'user_disabled', 'user_id', tok.user_id);
      CONTINUE;
    END IF;
    IF tok.conn_id IS NULL THEN
      v_results := v_results || jsonb_build_object('outcome', 'not_connected', 'user_id', tok.user_id);
      CONTINUE;
    END IF;
    IF tok.conn_status <> 'active' THEN
      v_results := v_results || jsonb_build_object('outcome', 'not_connected', 'user_id', tok.user_id, 'detail', tok.conn_status);
      CONTINUE;
    END IF;

    IF (r->>'once')::boolean THEN
      INSERT INTO used_jtis (jti, expires_at) VALUES (r->>'jti', to_timestamp((r->>'exp')::double precision))
        ON CONFLICT (jti) DO NOTHING;
      IF NOT FOUND THEN
        v_results := v_results || jsonb_build_object('outcome', 'replayed', 'user_id', tok.user_id);
        CONTINUE;
      END IF;
    END IF;

    v_rate := NULL;
    v_quota := NULL;
    IF tok.rate_limit IS NOT NULL THEN
      INSERT INTO limit_counters AS c (key, window_start, count)
        VALUES ('svc:' || tok.id || ':rate', to_timestamp(floor(extract(epoch FROM now()) / 60) * 60), 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN c.window_start < excluded.window_start THEN 1 ELSE c.count + 1 END,
          window_start = greatest(c.window_start, excluded.window_start)
        RETURNING c.count, c.window_start INTO v_count, v_start;
      v_rate := jsonb_build_object('limit', tok.rate_limit, 'count', v_count, 'window_start', v_start);
      IF v_count > tok.rate_limit THEN
        v_results := v_results || jsonb_build_object('outcome', 'rate_limited', 'user_id', tok.user_id, 'rate', v_rate);
        CONTINUE;
      END IF;
    END IF;
    IF tok.quota IS NOT NULL AND tok.quota_period IS NOT NULL THEN
      INSERT INTO limit_counters AS c (key, window_start, count)
        VALUES ('svc:' || tok.id || ':quota:' || tok.quota_period,
                date_trunc(tok.quota_period, now() AT TIME ZONE 'utc') AT TIME ZONE 'utc', 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN c.window_start < excluded.window_start THEN 1 ELSE c.count + 1 END,
          window_start = greatest(c.window_start, excluded.window_start)
        RETURNING c.count, c.window_start INTO v_count, v_start;
      v_quota := jsonb_build_object('limit', tok.quota, 'count', v_count, 'window_start', v_start, 'period', tok.quota_period);
      IF v_count > tok.quota THEN
        v_results := v_results || jsonb_build_object('outcome', 'quota_exceeded', 'user_id', tok.user_id, 'rate', v_rate, 'quota', v_quota);
        CONTINUE;
      END IF;
    END IF;

    -- the proxy.request event: no audit, no call (it is inserted with the batch, below,
    -- and nobody learns "ok" before the statement has committed)
    v_seq := (v_heads->tok.user_id->>0)::bigint + 1;
    v_prev := v_heads->tok.user_id->>1;
    v_canon := (r->>'c1') || v_seq::text || (r->>'c2') || to_json(tok.user_id)::text || coalesce(r->>'c3', '}');
    v_hash := encode(sha256(v_domain || convert_to(v_prev || v_canon, 'UTF8')), 'hex');
    v_rows := v_rows || ('{"chain":' || to_json(tok.user_id)::text || ',"prev_hash":"' || v_prev || '","hash":"' || v_hash || '",' || substr(v_canon, 2));
    v_heads := jsonb_set(v_heads, ARRAY[tok.user_id], jsonb_build_array(v_seq, v_hash));

    -- last-used bookkeeping, at most once a minute, never waiting on a row someone holds
    IF tok.token_used_at IS NULL OR tok.token_used_at < v_stale THEN
      UPDATE service_tokens SET last_used_at = now()
       WHERE id IN (SELECT id FROM service_tokens WHERE id = tok.id AND (last_used_at IS NULL OR last_used_at < v_stale) FOR UPDATE SKIP LOCKED);
    END IF;
    IF tok.conn_used_at IS NULL OR tok.conn_used_at < v_stale THEN
      UPDATE connections SET last_used_at = now()
       WHERE id IN (SELECT id FROM connections WHERE id = tok.conn_id AND (last_used_at IS NULL OR last_used_at < v_stale) FOR UPDATE SKIP LOCKED);
    END IF;

    v_results := v_results || jsonb_build_object(
      'outcome', 'ok', 'user_id', tok.user_id, 'seq', v_seq, 'hash', v_hash, 'prev_hash', v_prev,
      'rate', v_rate, 'quota', v_quota,
      'connection', jsonb_build_object('id', tok.conn_id, 'user_id', tok.user_id, 'provider', tok.conn_provider, 'method', tok.conn_method,
                                       'status', tok.conn_status, 'credential', tok.conn_credential, 'access_expires_at', tok.conn_access_expires_at));
  END LOOP;

  -- 4. plain audit events
  FOR i IN 0 .. jsonb_array_length(v_events) - 1 LOOP
    e := v_events->i;
    v_chain := e->>'chain';
    v_seq := (v_heads->v_chain->>0)::bigint + 1;
    v_prev := v_heads->v_chain->>1;
    v_canon := (e->>'c1') || v_seq::text || (e->>'c2');
    v_hash := encode(sha256(v_domain || convert_to(v_prev || v_canon, 'UTF8')), 'hex');
    v_rows := v_rows || ('{"chain":' || to_json(v_chain)::text || ',"prev_hash":"' || v_prev || '","hash":"' || v_hash || '",' || substr(v_canon, 2));
    v_heads := jsonb_set(v_heads, ARRAY[v_chain], jsonb_build_array(v_seq, v_hash));
    v_event_results := v_event_results || jsonb_build_object('seq', v_seq, 'hash', v_hash, 'prev_hash', v_prev);
  END LOOP;

  -- 5. the batch's audit rows, and the heads they moved
  IF cardinality(v_rows) > 0 THEN
    WITH appended AS (
      INSERT INTO audit_events
        SELECT ev.* FROM unnest(v_rows) AS x, LATERAL json_populate_record(NULL::audit_events, x::json) AS ev
    )
    UPDATE audit_heads AS h SET seq = (v.value->>0)::bigint, hash = v.value->>1
      FROM jsonb_each(v_heads) AS v
     WHERE h.chain = v.key AND h.seq <> (v.value->>0)::bigint;
  END IF;

  RETURN jsonb_build_object('auth', to_jsonb(v_results), 'events', to_jsonb(v_event_results));
END;
$$;
