/*
 * resume.c - wg-adjudicator --resume: reopen a log (its torn tail cut),
 * rebuild the adjudicator from it, write what the dead process made but
 * never wrote, and play on; or, when the exercise was over, tell the
 * roles its end again.
 */
#include "adjudicator_proc.h"

/* Records the adjudicator made beyond the end of the log being resumed: the
 * dead adjudicator made them too (the adjudicator is deterministic) but died
 * before they reached the file (the log is written out at the end of each
 * turn). They go into the log now, so that it holds every sequence number
 * and still verifies; the workers get what they need when they join again. */
static void
resume_pending_cb(const uint8_t *bytes, size_t len, void *arg)
{
    adjudicator_t *a = arg;
    if (!a->log_failed)
        record(a, &bytes, len);
}

/* The log's ExerciseEnd, kept to be sent again; printed as the summary. */
static int
load_end(adjudicator_t *a, const char *path)
{
    wg_log_reader_t *r;
    int rc = wg_log_reader_open(path, &r);
    if (rc < 0) {
        fprintf(stderr, "wg-adjudicator: %s: %s\n", path, wg_strerror(rc));
        return 2;
    }
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    while (wg_log_reader_next(r, &rec, &len, &off) == 1) {
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        if (env != NULL &&
            env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END) {
            free(a->end_bytes);
            a->end_bytes = malloc(len);
            if (a->end_bytes != NULL) {
                memcpy(a->end_bytes, rec, len);
                a->end_len = len;
                print_result(a, env);
            }
        }
        wg_wire_free(env);
    }
    wg_log_reader_destroy(&r);
    if (a->end_bytes == NULL) {
        fprintf(stderr, "wg-adjudicator: %s: no ExerciseEnd found\n", path);
        return 2;
    }
    return 0;
}

/* Reopens the log to carry it on, its torn tail cut. 0, or 2 once said. */
static int
reopen_log(adjudicator_t *a, const options_t *o)
{
    wg_log_header_t hdr;
    uint64_t cut = 0;
    int rc = wg_log_writer_reopen(o->resume, o->fsync, &hdr, &cut, &a->log);
    if (rc == WG_EVERSION) {
        fprintf(stderr,
                "wg-adjudicator: %s: cannot reopen: not a log of format "
                "version %d (an older one is read by wg-log verify and "
                "check, never continued)\n",
                o->resume, WG_LOG_FORMAT_VERSION);
        return 2;
    }
    if (rc < 0) {
        fprintf(stderr, "wg-adjudicator: %s: cannot reopen: %s\n", o->resume,
                wg_strerror(rc));
        return 2;
    }
    a->log_path = o->resume;
    wg_log_header_clear(&hdr);
    if (cut > 0)
        WG_DIAG_WARN("%s: cut a torn tail of %llu bytes", o->resume,
                     (unsigned long long)cut);
    return 0;
}

/* What resume_main() made, undone. */
static void
destroy_resumed(adjudicator_t *a)
{
    wg_log_writer_destroy(&a->log);
    wg_adjudicator_destroy(&a->adjudicator);
    free(a->sc);
}

/* Rebuilds the adjudicator from the log (writing what it lacked) and checks
 * it was played on the exercise's scenario. 0, or 2 once said and undone. */
static int
replay_resumed(adjudicator_t *a, const options_t *o, wg_replay_report_t *rep)
{
    wg_replay_options_t ropt = {.pending = resume_pending_cb, .pending_arg = a};
    if (wg_replay_log(o->resume, &ropt, rep, &a->adjudicator, &a->sc) !=
        WG_REPLAY_OK) {
        fprintf(stderr,
                "wg-adjudicator: %s: cannot resume at turn %u seq %llu %s: "
                "%s\n",
                o->resume, rep->turn, (unsigned long long)rep->seq, rep->field,
                rep->detail);
        wg_log_writer_destroy(&a->log);
        return 2;
    }
    if (a->ex != NULL &&
        memcmp(a->sc->hash, a->ex_scenario_hash, sizeof a->sc->hash) != 0) {
        fprintf(stderr,
                "wg-adjudicator: %s was played on another scenario than the "
                "one %s names\n",
                o->resume, a->ex->path);
        destroy_resumed(a);
        return 2;
    }
    return 0;
}

/* Plays on; or, when the exercise was already over, only tells its end to
 * the roles that join again. Returns the exit code. */
static int
play_resumed(adjudicator_t *a, const options_t *o)
{
    if (!wg_adjudicator_done(a->adjudicator))
        return run_loop(a, o);
    /* Workers may still wait for the end: a kill after the last result
     * was written but before the end reached them leaves them so. */
    fprintf(stderr,
            "wg-adjudicator: %s: the exercise is already over; telling "
            "the roles that join again for up to %u ms\n",
            o->resume,
            o->lobby_ms < OVER_GRACE_MS ? o->lobby_ms : OVER_GRACE_MS);
    int rc = load_end(a, o->resume);
    if (rc == 0) {
        a->over = true;
        rc = run_loop(a, o);
    }
    return rc;
}

/* --resume: cut the log's torn tail, rebuild the adjudicator from the log, and
 * play on, appending to the same log. */
int
resume_main(adjudicator_t *a, const options_t *o)
{
    int rc = reopen_log(a, o);
    if (rc != 0)
        return rc;
    uint64_t kept = wg_log_writer_records(a->log);
    wg_replay_report_t rep;
    if (replay_resumed(a, o, &rep) != 0)
        return 2;
    uint64_t pending = wg_log_writer_records(a->log) - kept;
    if (!a->log_failed && (rc = wg_log_writer_flush(a->log)) < 0)
        log_failed(a, "flush", rc);
    if (a->log_failed) {
        destroy_resumed(a);
        return EXIT_LOG;
    }
    wg_adjudicator_set_output(a->adjudicator, adjudicator_out_cb, a);
    /* Paused when it died: paused again, a whole deadline to go. */
    a->dir.paused = wg_adjudicator_paused(a->adjudicator);
    a->dir.paused_left = a->sc->deadline_ms;
    if (load_overrides(a, o, a->sc) != 0) {
        free_overrides(a);
        destroy_resumed(a);
        return 2;
    }
    WG_DIAG_INFO("resumed %s: %llu records, %u turns done, %llu records the "
                 "log lacked written",
                 o->resume, (unsigned long long)rep.records, rep.turns,
                 (unsigned long long)pending);
    rc = play_resumed(a, o);
    free(a->end_bytes);
    free_overrides(a);
    destroy_resumed(a);
    return rc;
}
