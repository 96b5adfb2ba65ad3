# Counts the results of `go test -v` output for scripts/test-all.sh; see the comment
# above run_go_test there. Writes "passed failed skipped" to counts_file and the names of
# failed tests to names_file; prints compiler output and the output of failing packages.
function result_counts(line,   indent, name) {
	match(line, /^ */)
	indent = RLENGTH
	if (indent % 4 != 0) return 0
	name = line
	sub(/^ *--- [A-Z]+: /, "", name)
	sub(/ \([0-9.]+s\)$/, "", name)
	return gsub(/\//, "/", name) >= indent / 4
}
function flush_failed_package(line,   pkg, count, lines, i) {
	printf "%s", block
	print line
	pkg = line
	sub(/^FAIL[ \t]+/, "", pkg)
	sub(/[ \t].*$/, "", pkg)
	count = split(block_names, lines, "\n")
	for (i = 1; i < count; i++) names = names pkg ": " lines[i] "\n"
	if (count <= 1) {
		failed++
		sub(/^FAIL[ \t]+/, "", line)
		names = names line "\n"
	}
}
function reset_block() { block = ""; block_names = "" }
/^ *--- PASS: / && result_counts($0) { passed++ }
/^ *--- SKIP: / && result_counts($0) { skipped++ }
/^ *--- FAIL: / && result_counts($0) {
	failed++
	line = $0; sub(/^ *--- FAIL: /, "", line); sub(/ \([0-9.]+s\)$/, "", line)
	block_names = block_names line "\n"
}
/^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]/ { passed++ }
/^# / { in_build = 1 }
in_build && /^(=== |--- |ok[ \t]|FAIL|PASS$|\?[ \t])/ { in_build = 0 }
in_build { print; next }
/^ok[ \t]/ || /^\?[ \t]/ { reset_block(); next }
/^FAIL[ \t]/ { flush_failed_package($0); reset_block(); next }
{ block = block $0 "\n" }
END {
	if (block != "" && block != "FAIL\n") printf "%s", block
	names = names block_names
	printf "%d %d %d\n", passed, failed, skipped > counts_file
	printf "%s", names > names_file
}
