/*
 * replay_main.c - a fuzz target without libFuzzer: feeds it every file
 * named on the command line, and every file of every directory named, in
 * name order, once each. ctest runs it on the checked-in corpus with
 * every compiler (gcc and clang, with or without the sanitizers), so the
 * inputs that once found a bug keep being tried where libFuzzer is not.
 * Exits 0 when every input ran (a finding aborts), 2 on a path it cannot
 * read or a corpus with no file in it.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *grown = realloc(buf, cap *= 2);
            if (grown == NULL)
                free(buf);
            buf = grown;
        }
    }
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    /* Exactly n bytes, so that a read past the input is the sanitizers'. */
    uint8_t *input = malloc(n ? n : 1);
    memcpy(input, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The files of dir; the count run, or -1. */
static int
run_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name), ran = 0;
    if (n < 0) {
        fprintf(stderr, "%s: cannot list\n", dir);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (ran >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            ran = run_file(path) == 0 ? ran + 1 : -1;
        free(names[i]);
    }
    free(names);
    return ran;
}

int
main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int ran = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)
                      ? run_dir(argv[i])
                  : run_file(argv[i]) == 0 ? 1
                                           : -1;
        if (ran < 0)
            return 2;
        total += ran;
    }
    if (total == 0) {
        fprintf(stderr, "no input to run\n");
        return 2;
    }
    printf("%d inputs ran\n", total);
    return 0;
}
