/*
 * libFuzzer side of SharpFuzz's LibFuzzer mode, written for BetterDepth (build: scripts/fuzz-setup.sh).
 *
 * libFuzzer runs in this process; the instrumented .NET target runs as a child. They share one System V segment:
 * the first 64 KiB are SharpFuzz's edge counters, the next 1 MiB the input. For each input we copy it into the
 * segment, send its length on the control pipe (fd 198 in the child) and wait for a 4-byte status on the status pipe
 * (fd 199); a non-zero status (an exception the target did not accept) becomes a libFuzzer crash, and so does the
 * child dying (a native crash, a stack overflow, or the RSS watchdog below killing it).
 *
 * libFuzzer's own -rss_limit_mb measures this small process, not the .NET child, so the child's memory is bounded
 * here: FUZZ_CHILD_RSS_LIMIT_MB (default 2048) is checked every 20 ms against the child's VmRSS; past it the child is
 * killed and the input reported as a crash.
 *
 * Usage: libfuzzer-dotnet-driver --target_path=/path/to/BetterDepth.Fuzz --target_arg=TARGET [libFuzzer flags] CORPUS
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <unistd.h>
#include <time.h>

enum { COUNTERS = 1 << 16, MAX_INPUT = 1 << 20, CONTROL_FD = 198, STATUS_FD = 199 };

/* libFuzzer reads every byte of this section as a coverage counter. */
__attribute__((section("__libfuzzer_extra_counters"))) uint8_t dotnet_counters[COUNTERS];

static uint8_t *shared;
static int shm_id = -1;
static int to_child = -1, from_child = -1;
static volatile pid_t child = 0;
static long rss_limit_mb = 2048;

static void fail(const char *what) {
    fprintf(stderr, "driver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void drop_segment(void) {
    if (shm_id >= 0) shmctl(shm_id, IPC_RMID, NULL);
}

static const char *flag(int argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=' && argv[i][n + 1]) return argv[i] + n + 1;
    return NULL;
}

static int io_all(int fd, void *buf, size_t len, int writing) {
    size_t done = 0;
    while (done < len) {
        ssize_t r = writing ? write(fd, (char *)buf + done, len - done) : read(fd, (char *)buf + done, len - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

static long child_rss_mb(void) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)child);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
    fclose(f);
    return kb < 0 ? -1 : kb / 1024;
}

static void *watch_memory(void *unused) {
    (void)unused;
    struct timespec pause = {0, 20 * 1000 * 1000};
    for (;;) {
        nanosleep(&pause, NULL);
        long mb = child_rss_mb();
        if (mb > rss_limit_mb) {
            fprintf(stderr, "==driver== .NET child RSS %ld MB exceeds FUZZ_CHILD_RSS_LIMIT_MB=%ld: reporting the input as a crash\n", mb, rss_limit_mb);
            kill(child, SIGKILL);
            __builtin_trap(); /* libFuzzer's crash handler saves the current input */
        }
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    const char *target = flag(*argc, *argv, "--target_path");
    const char *arg = flag(*argc, *argv, "--target_arg");
    const char *limit = getenv("FUZZ_CHILD_RSS_LIMIT_MB");
    if (limit && atol(limit) > 0) rss_limit_mb = atol(limit);
    if (!target) { fprintf(stderr, "driver: pass --target_path=PROGRAM (and --target_arg=ARG)\n"); exit(1); }

    int control[2], status[2];
    if (pipe(control) || pipe(status)) fail("pipe");
    shm_id = shmget(IPC_PRIVATE, COUNTERS + MAX_INPUT, IPC_CREAT | IPC_EXCL | 0600);
    if (shm_id < 0) fail("shmget");
    atexit(drop_segment);
    shared = shmat(shm_id, NULL, 0);
    if (shared == (void *)-1) fail("shmat");

    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        if (dup2(control[0], CONTROL_FD) < 0 || dup2(status[1], STATUS_FD) < 0) fail("dup2");
        close(control[0]); close(control[1]); close(status[0]); close(status[1]);
        char id[16];
        snprintf(id, sizeof id, "%d", shm_id);
        setenv("__LIBFUZZER_SHM_ID", id, 1);
        setenv("__LIBFUZZER_CONTROL_PIPE_ID", "198", 1);
        setenv("__LIBFUZZER_STATUS_PIPE_ID", "199", 1);
        if (arg) execlp(target, target, arg, (char *)NULL);
        else execlp(target, target, (char *)NULL);
        fail("exec");
    }
    child = pid;
    close(control[0]); close(status[1]);
    to_child = control[1];
    from_child = status[0];
    int32_t hello;
    if (io_all(from_child, &hello, sizeof hello, 0)) { fprintf(stderr, "driver: the .NET target did not start\n"); exit(1); }
    pthread_t watcher;
    pthread_create(&watcher, NULL, watch_memory, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > MAX_INPUT) return 0; /* run with -max_len at most 1048576 */
    memset(shared, 0, COUNTERS);
    memcpy(shared + COUNTERS, data, size);
    int32_t length = (int32_t)size, status;
    if (io_all(to_child, &length, sizeof length, 1) || io_all(from_child, &status, sizeof status, 0)) {
        fprintf(stderr, "==driver== the .NET child died on this input\n");
        __builtin_trap();
    }
    memcpy(dotnet_counters, shared, COUNTERS);
    if (status != 0) __builtin_trap();
    return 0;
}
