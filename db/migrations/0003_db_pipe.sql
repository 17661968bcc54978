-- One database round trip for many proxied requests (ARCHITECTURE "Hot-path notes").
--
-- okoro_pipe(auth, events) runs, in one statement and so one transaction:
--   * for each proxied request in `auth` (in order): the service token is live, its user
--     active, the provider connected; a single-use jti is consumed; the rate limit and the
--     quota are counted; and the proxy.request audit event is appended — or, on the first
--     refusal, nothing more is done for that request and the refusal is returned;
--   * each plain audit event in `events` is appended.
-- Concurrent requests of one process are batched into one call (group commit): they share
-- the round trip and the commit, and each still learns its own outcome.
--
-- Audit hashes are computed here exactly as lib/audit/chain.ts computes them: the app
-- sends the event's canonical JSON in two pieces around "seq" (and, when the user is not
-- known yet, without the final "user_id" value); this function fills in seq and user_id.
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
  v_n int := coalesce(jsonb_array_length(p_auth), 0);
  v_users text[] := array_fill(NULL::text, ARRAY[greatest(v_n, 1)]);
  v_chains text[];
  v_results jsonb := '[]'::jsonb;
  v_event_results jsonb := '[]'::jsonb;
  r jsonb;
  e jsonb;
  i int;
  tok record;
  conn record;
  v_count int;
  v_start timestamptz;
  v_rate jsonb;
  v_quota jsonb;
  v_seq bigint;
  v_prev text;
  v_hash text;
  v_chain text;
  v_user text;
  v_canon text;
BEGIN
  -- 1. who each request belongs to (no locks yet)
  FOR i IN 0 .. v_n - 1 LOOP
    SELECT st.user_id INTO v_user FROM service_tokens st WHERE st.id = p_auth->i->>'token_id';
    v_users[i + 1] := v_user;
  END LOOP;

  -- 2. every chain this batch appends to, locked in sorted order
  SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}') INTO v_chains FROM (
    SELECT unnest(v_users) AS c
    UNION
    SELECT x->>'chain' FROM jsonb_array_elements(coalesce(p_events, '[]'::jsonb)) AS x
  ) s WHERE c IS NOT NULL;
  INSERT INTO audit_heads (chain, seq, hash)
    SELECT c, 0, v_genesis FROM unnest(v_chains) AS c ORDER BY c
    ON CONFLICT (chain) DO NOTHING;
  PERFORM 1 FROM audit_heads WHERE chain = ANY (v_chains) ORDER BY chain FOR UPDATE;

  -- 3. the proxied requests
  FOR i IN 0 .. v_n - 1 LOOP
    r := p_auth->i;
    SELECT st.id, st.user_id, st.revoked_at, st.revoked_reason, st.expires_at, st.rate_limit, st.quota, st.quota_period,
           u.status AS user_status
      INTO tok
      FROM service_tokens st JOIN users u ON u.id = st.user_id
     WHERE st.id = r->>'token_id';
    IF NOT FOUND THEN
      v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'no_token'));
      CONTINUE;
    END IF;
    IF tok.revoked_at IS NOT NULL THEN
      v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'revoked', 'user_id', tok.user_id, 'detail', tok.revoked_reason));
      CONTINUE;
    END IF;
    IF tok.expires_at IS NOT NULL AND tok.expires_at <= now() THEN
      v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'expired', 'user_id', tok.user_id));
      CONTINUE;
    END IF;
    IF tok.user_status <> 'active' THEN
      v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'user_disabled', 'user_id', tok.user_id));
      CONTINUE;
    END IF;

    SELECT c.id, c.user_id, c.provider, c.method, c.status, c.credential, c.access_expires_at
      INTO conn
      FROM connections c
     WHERE c.user_id = tok.user_id AND c.provider = r->>'provider';
    IF NOT FOUND THEN
      v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'not_connected', 'user_id', tok.user_id));
      CONTINUE;
    END IF;
    IF conn.status <> 'active' THEN
      v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'not_connected', 'user_id', tok.user_id, 'detail', conn.status));
      CONTINUE;
    END IF;

    IF (r->>'once')::boolean THEN
      INSERT INTO used_jtis (jti, expires_at) VALUES (r->>'jti', to_timestamp((r->>'exp')::double precision))
        ON CONFLICT (jti) DO NOTHING;
      IF NOT FOUND THEN
        v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'replayed', 'user_id', tok.user_id));
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
        v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'rate_limited', 'user_id', tok.user_id, 'rate', v_rate));
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
        v_results := v_results || jsonb_build_array(jsonb_build_object('outcome', 'quota_exceeded', 'user_id', tok.user_id, 'rate', v_rate, 'quota', v_quota));
        CONTINUE;
      END IF;
    END IF;

    -- the proxy.request event: no audit, no call
    SELECT h.seq, h.hash INTO v_seq, v_prev FROM audit_heads h WHERE h.chain = tok.user_id;
    v_seq := v_seq + 1;
    v_canon := (r->>'c1') || v_seq::text || (r->>'c2') || to_json(tok.user_id)::text || '}';
    v_hash := encode(sha256(v_domain || convert_to(v_prev || v_canon, 'UTF8')), 'hex');
    INSERT INTO audit_events
      SELECT * FROM jsonb_populate_record(NULL::audit_events,
        (r->'event') || jsonb_build_object('chain', tok.user_id, 'user_id', tok.user_id, 'seq', v_seq, 'prev_hash', v_prev, 'hash', v_hash));
    UPDATE audit_heads SET seq = v_seq, hash = v_hash WHERE chain = tok.user_id;

    UPDATE service_tokens SET last_used_at = now()
     WHERE id IN (SELECT id FROM service_tokens WHERE id = tok.id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') FOR UPDATE SKIP LOCKED);
    UPDATE connections SET last_used_at = now()
     WHERE id IN (SELECT id FROM connections WHERE id = conn.id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') FOR UPDATE SKIP LOCKED);

    v_results := v_results || jsonb_build_array(jsonb_build_object(
      'outcome', 'ok', 'user_id', tok.user_id, 'seq', v_seq, 'hash', v_hash, 'prev_hash', v_prev,
      'rate', v_rate, 'quota', v_quota,
      'connection', jsonb_build_object('id', conn.id, 'user_id', conn.user_id, 'provider', conn.provider, 'method', conn.method,
                                       'status', conn.status, 'credential', conn.credential, 'access_expires_at', conn.access_expires_at)));
  END LOOP;

  -- 4. plain audit events
  FOR e IN SELECT x FROM jsonb_array_elements(coalesce(p_events, '[]'::jsonb)) AS x LOOP
    v_chain := e->>'chain';
    SELECT h.seq, h.hash INTO v_seq, v_prev FROM audit_heads h WHERE h.chain = v_chain;
    v_seq := v_seq + 1;
    v_canon := (e->>'c1') || v_seq::text || (e->>'c2');
    v_hash := encode(sha256(v_domain || convert_to(v_prev || v_canon, 'UTF8')), 'hex');
    INSERT INTO audit_events
      SELECT * FROM jsonb_populate_record(NULL::audit_events,
        (e->'event') || jsonb_build_object('chain', v_chain, 'seq', v_seq, 'prev_hash', v_prev, 'hash', v_hash));
    UPDATE audit_heads SET seq = v_seq, hash = v_hash WHERE chain = v_chain;
    v_event_results := v_event_results || jsonb_build_array(jsonb_build_object('seq', v_seq, 'hash', v_hash, 'prev_hash', v_prev));
  END LOOP;

  RETURN jsonb_build_object('auth', v_results, 'events', v_event_results);
END;
$$;
