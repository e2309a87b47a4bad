package dev.lora.reliability;

import java.util.List;

/**
 * One bad input the CLI must reject with exit 2 and one line: {@code make} writes the damaged files into
 * a scratch folder and returns the command line, and what the message must name (the file, and the line,
 * key or tensor where there is one).
 *
 * @param id      stable name, the row's key in docs/errors.md
 * @param problem what is wrong, in a few words, for the table
 */
record BadInput(String id, String problem, Maker make) {

    @FunctionalInterface
    interface Maker {
        Call in(Scratch s) throws Exception;
    }

    /**
     * @param args     the CLI arguments (without "lora")
     * @param mustName substrings the message must contain
     * @param option   a CLI option the case needs that may not be wired yet ("" when none): the case is
     *                 skipped until it is, and {@code preview} gives the message it is to print meanwhile
     */
    record Call(List<String> args, List<String> mustName, String option, Preview preview) {
        Call(List<String> args, List<String> mustName) {
            this(args, mustName, "", null);
        }

        static Call of(List<String> args, String... mustName) {
            return new Call(args, List.of(mustName));
        }
    }

    @FunctionalInterface
    interface Preview {
        String message() throws Exception;
    }

    @Override
    public String toString() {
        return id;
    }
}
