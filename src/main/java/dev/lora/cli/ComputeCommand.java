package dev.lora.cli;

/**
 * Marks a command that computes: {@link Main} checks its options, then starts ND4J (once, in one place), then
 * runs it. Help, version and commands without the mark never pay for the backend's start-up, and a bad option
 * fails before it.
 */
interface ComputeCommand {
    /** Every option's range and combination, before the backend starts; throws an InputError naming the option. */
    default void checkOptions() {
    }
}
