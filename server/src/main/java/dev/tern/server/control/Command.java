package dev.tern.server.control;

import java.util.List;

/** One control command: arguments in, the reply text out. May block (it runs on a control worker). */
@FunctionalInterface
public interface Command {
    String run(List<String> args) throws Exception;
}
