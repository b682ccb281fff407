package dev.tern.control.cli;

import java.io.PrintWriter;

/**
 * The reply of a waiting command ({@code result: <word>} on the first line, the daemon's sentence on the second),
 * printed for people or as JSON, and its exit code.
 */
final class Outcome {
    private Outcome() {
    }

    static int print(String reply, boolean json, PrintWriter out, PrintWriter err) {
        String result = "failed";
        String detail = reply;
        if (reply.startsWith("result: ")) {
            int newline = reply.indexOf('\n');
            result = (newline < 0 ? reply.substring(8) : reply.substring(8, newline)).trim();
            detail = newline < 0 ? "" : reply.substring(newline + 1);
        }
        int code = code(result);
        if (json) {
            out.println("{\"result\":" + Json.string(result) + ",\"detail\":" + Json.string(detail) + "}");
        } else {
            (code == ExitCodes.OK ? out : err).println(detail);
        }
        return code;
    }

    static int code(String result) {
        switch (result) {
            case "transferred": case "up-to-date": case "acknowledged":
                return ExitCodes.OK;
            case "timeout":
                return ExitCodes.TIMEOUT;
            case "refused":
                return ExitCodes.REFUSED;
            default:
                return ExitCodes.FAILED;
        }
    }
}
