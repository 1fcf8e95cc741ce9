/*
 * log_file.c - wg-adjudicator's exercise log: opening it, appending a
 * record, and stopping the exercise when a write or flush fails
 * (EXIT_LOG).
 */
#include "adjudicator_proc.h"

/* A write or flush of the log failed (ENOSPC, EIO): the exercise stops at
 * once, since a turn played but not recorded would be lost. The file keeps
 * whole records only (the writer cuts a frame it could not finish), so
 * --resume carries on from its last one once the log can be written. */
void
log_failed(adjudicator_t *a, const char *what, int rc)
{
    if (a->log_failed)
        return;
    a->log_failed = true;
    WG_DIAG_ERR("exercise log %s: %s failed: %s; stopping at turn %u "
                "(exit %d), nothing more is played; once the log can be "
                "written, wg-adjudicator --resume %s carries on from its last "
                "whole record",
                a->log_path, what, wg_strerror(rc),
                a->adjudicator != NULL ? wg_adjudicator_turn(a->adjudicator)
                                       : 0,
                EXIT_LOG, a->log_path);
    if (a->bus == NULL || a->closing)
        return; /* not running yet (resume), or already stopping */
    uv_timer_stop(&a->deadline_timer);
    uv_timer_stop(&a->lobby_timer);
    uv_timer_stop(&a->beacon_timer);
    publish_stop(a);
    uv_timer_start(&a->end_timer, end_timer_cb, END_DRAIN_MS, 0);
}

/* Appends a record to the log (a TurnResult with the log's link written
 * in: *bytes then points at the bytes recorded). false if the append
 * failed (said, and the exercise stopped). */
bool
record(adjudicator_t *a, const uint8_t **bytes, size_t len)
{
    int rc = a->log != NULL ? wg_log_writer_append_made(a->log, bytes, len) : 0;
    if (rc < 0) {
        log_failed(a, "append", rc);
        return false;
    }
    return true;
}

char *
read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int
open_log(adjudicator_t *a, const options_t *o, const char *text, size_t len)
{
    wg_log_header_t hdr;
    memset(&hdr, 0, sizeof hdr);
    hdr.version = WG_LOG_FORMAT_VERSION;
    hdr.rules_version = WG_RULES_VERSION;
    snprintf(hdr.scenario_name, sizeof hdr.scenario_name, "%s", a->sc->name);
    snprintf(hdr.scenario_path, sizeof hdr.scenario_path, "%s", o->scenario);
    memcpy(hdr.scenario_hash, a->sc->hash, sizeof hdr.scenario_hash);
    hdr.scenario_text = (char *)text;
    hdr.scenario_len = len;
    hdr.seed = a->sc->seed;
    time_t now = time(NULL); /* metadata only: no decision reads it */
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(hdr.started, sizeof hdr.started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = wg_log_writer_create(o->log_path, &hdr, o->fsync, &a->log);
    if (rc < 0)
        WG_DIAG_ERR("cannot create log %s: %s", o->log_path, wg_strerror(rc));
    return rc;
}
