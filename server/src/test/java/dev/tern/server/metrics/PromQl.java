package dev.tern.server.metrics;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (or a Grafana variable query) selects. Not a parser: a scanner that skips
 * what cannot be a metric name (strings, label matchers in braces, ranges in brackets, Grafana's {@code $variables},
 * numbers, function and aggregation names, keywords and the label lists after {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}) and keeps every other identifier.
 */
final class PromQl {
    private static final Set<String> LABEL_LIST_BEFORE = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf",
            "nan");
    /** Grafana's {@code label_values(selector, label)}: only the selector names a metric. */
    private static final Pattern LABEL_VALUES = Pattern.compile("\\s*label_values\\s*\\((.*),\\s*\\w+\\s*\\)\\s*");
    /** {@code label_values(label)} and {@code label_names()} name no metric. */
    private static final Pattern NO_METRIC = Pattern.compile("\\s*(label_values\\s*\\(\\s*\\w+\\s*\\)"
            + "|label_names\\s*\\(\\s*\\))\\s*");

    private PromQl() {
    }

    /** The metric names of a Prometheus variable's query in Grafana ({@code label_values(...)}, or PromQL). */
    static Set<String> variableMetricNames(String query) {
        if (NO_METRIC.matcher(query).matches()) {
            return Set.of();
        }
        Matcher labelValues = LABEL_VALUES.matcher(query);
        return metricNames(labelValues.matches() ? labelValues.group(1) : query);
    }

    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i);
            } else if (c == '{') {
                i = past(expr, i, '}');
            } else if (c == '[') {
                i = past(expr, i, ']');
            } else if (c == '$') {
                i = i + 1 < expr.length() && expr.charAt(i + 1) == '{' ? past(expr, i + 1, '}')
                        : endOfWord(expr, i + 1);
            } else if (Character.isDigit(c) || c == '.') {
                // 0.99, 1e3, 5m: no name starts with a digit.
                i = endOfWord(expr, i + 1);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int end = endOfWord(expr, i);
                String word = expr.substring(i, end);
                int next = end;
                while (next < expr.length() && Character.isWhitespace(expr.charAt(next))) {
                    next++;
                }
                // An aggregation may put its grouping first: sum by (le) (...).
                String following = expr.substring(next, endOfWord(expr, next)).toLowerCase(Locale.ROOT);
                boolean call = next < expr.length() && expr.charAt(next) == '('
                        || following.equals("by") || following.equals("without");
                if (LABEL_LIST_BEFORE.contains(word.toLowerCase(Locale.ROOT))) {
                    i = call ? past(expr, next, ')') : end;
                    continue;
                }
                if (!call && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
                    names.add(word);
                }
                i = end;
            } else {
                i++;
            }
        }
        return names;
    }

    private static int endOfWord(String expr, int from) {
        int i = from;
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                || expr.charAt(i) == ':' || expr.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    /** Just past the quote that closes the string opened at {@code from}; a backslash escapes in "" and ''. */
    private static int endOfString(String expr, int from) {
        char quote = expr.charAt(from);
        int i = from + 1;
        while (i < expr.length() && expr.charAt(i) != quote) {
            i += quote != '`' && expr.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, expr.length());
    }

    /** Just past the {@code close} that ends the group opened at {@code from}, skipping strings inside. */
    private static int past(String expr, int from, char close) {
        int i = from + 1;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i);
            } else if (c == close) {
                return i + 1;
            } else {
                i++;
            }
        }
        return expr.length();
    }
}
