package dev.tern.config;

/** Value checks shared by the parser: type, range, and the few settings with a closed set of values. */
final class Validation {
    private Validation() {
    }

    static Object value(Setting<?> setting, String text) {
        Object value = setting.type().parse(text);
        if (setting.type() == SettingType.INTEGER) {
            int number = (Integer) value;
            if (number < setting.min() || number > setting.max()) {
                throw new IllegalArgumentException(number + " is out of range");
            }
        }
        if (!setting.choices().isEmpty() && !setting.choices().contains(text)) {
            throw new IllegalArgumentException("'" + text + "' is not one of the values");
        }
        if (setting == Settings.LAUNCH && !"gsqlite3".equals(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a backend Tern has");
        }
        return value;
    }

    /** Levenshtein distance, for "did you mean" suggestions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
