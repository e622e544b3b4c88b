# Sourced by scripts/test.sh --sanitize KIND with $build set, once the services run: the
# sanitizers' run-time options, for the tests and every parleyd, tool and server a test starts
# (children inherit the environment). Reports go to files under $build/sanitizer-reports/ as
# well as failing the process, so a report from a child process whose exit status nobody checks
# (a parleyd stopped by a test) still fails the run: sanitizer_reports_check does that after
# ctest.
#
# Suppressions are for third-party code only, one file per sanitizer beside this one, each entry
# with the reason it is there.

sanitizer_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sanitizer_reports=$build/sanitizer-reports
rm -rf "$sanitizer_reports"
mkdir -p "$sanitizer_reports"

case $1 in
    address)
        # librdkafka keeps process-lifetime state (about 40 blocks, 5.6 KB) in its globals. A
        # test that unloads the Kafka plugin unloads librdkafka with it, and LeakSanitizer,
        # which can no longer see those globals, reports the state as leaked from an "unknown
        # module" that no suppression can name. Preloaded, librdkafka stays mapped until exit:
        # the state stays reachable, and a real leak in it would still show, with symbols.
        # Preloading it ahead of the ASan runtime needs verify_asan_link_order=0.
        export LD_PRELOAD=librdkafka.so.1
        # Leaks are checked at every process's exit; a leak fails that process (exit 23).
        export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:halt_on_error=1:check_initialization_order=1:strict_init_order=1:log_exe_name=1:log_path=$sanitizer_reports/asan"
        export LSAN_OPTIONS="suppressions=$sanitizer_dir/lsan.supp:print_suppressions=0"
        export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$sanitizer_dir/ubsan.supp:log_exe_name=1:log_path=$sanitizer_reports/ubsan"
        ;;
    thread)
        # A race report fails the process at exit (exit 66), not at once: one run shows them all.
        export TSAN_OPTIONS="second_deadlock_stack=1:suppressions=$sanitizer_dir/tsan.supp:print_suppressions=0:log_exe_name=1:log_path=$sanitizer_reports/tsan"
        ;;
esac

# Fails, printing them, when any process wrote a report.
sanitizer_reports_check() {
    local reports
    reports=$(find "$sanitizer_reports" -type f | sort)
    if [[ -z $reports ]]; then
        echo "sanitizers: no reports"
        return 0
    fi
    local file
    for file in $reports; do
        echo "==== $file"
        cat "$file"
    done
    echo "sanitizers: $(wc -l <<<"$reports") report files in $sanitizer_reports" >&2
    return 1
}
