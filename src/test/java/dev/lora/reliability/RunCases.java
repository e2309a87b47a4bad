package dev.lora.reliability;

import dev.lora.reliability.BadInput.Call;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.lora.reliability.ConfigCases.train;
import static dev.lora.reliability.Scratch.BASE_CONFIG;

/** Bad output folders and resume points for {@code lora train}. */
final class RunCases {
    private RunCases() {
    }

    static List<BadInput> all() {
        return List.of(
                new BadInput("output-is-file", "output names an existing file", s -> {
                    Path f = s.write("out", "a file");
                    return Call.of(train(s.config(BASE_CONFIG)), f.toString());
                }),
                new BadInput("run-locked", "another live run holds OUTPUT/.lock", s -> {
                    Files.createDirectories(s.out());
                    Files.writeString(s.out().resolve(".lock"), Long.toString(ProcessHandle.current().pid()));
                    return Call.of(train(s.config(BASE_CONFIG)), s.out().toString(), "pid");
                }),
                new BadInput("output-used", "a fresh run into a folder holding another run's files", s -> {
                    Path cfg = s.config(BASE_CONFIG);
                    Cli.Result first = Cli.run("train", cfg.toString());
                    if (first.status() != 0) throw new IllegalStateException("setup run failed: " + first.err());
                    return Call.of(train(cfg), s.out().toString(), "--resume", "--force");
                }),
                new BadInput("output-is-data", "output is the folder that holds data.train", s -> {
                    Path data = s.write("data.jsonl", java.nio.file.Files.readString(Scratch.DATA));
                    Path cfg = s.config("run.yaml", BASE_CONFIG.replace("output: $OUT", "output: " + s.dir()), Scratch.MODEL, data);
                    return Call.of(train(cfg), "output " + s.dir(), "data.train " + data);
                }),
                new BadInput("merge-out-is-adapter", "lora merge --out ADAPTER --force (would delete the adapter)", s -> {
                    Path a = s.copy(Scratch.ADAPTER, "adapter");
                    return Call.of(List.of("merge", "--model", Scratch.MODEL.toString(), "--adapter", a.toString(), "--out",
                            a.toString(), "--force"), "--out " + a, "is --adapter");
                }),
                new BadInput("resume-other-config", "--resume with a config that differs from the checkpoint's", s -> {
                    Path cfg = s.config(BASE_CONFIG.replace("  max_steps: 1", "  max_steps: 2"));
                    Cli.Result first = Cli.run("train", cfg.toString(), "--stop-after", "1");
                    if (first.status() != 0) throw new IllegalStateException("setup run failed: " + first.err());
                    return Call.of(train(cfg, "--resume", "--set", "train.lr=0.01"), "train.lr=0.001", "train.lr=0.01");
                }),
                new BadInput("resume-given-config", "--resume followed by the config", s ->
                        Call.of(List.of("train", "--resume", s.config(BASE_CONFIG).toString()), "lora train")),
                new BadInput("resume-nothing", "--resume but no checkpoint yet", s ->
                        Call.of(train(s.config(BASE_CONFIG), "--resume"), s.out().resolve("checkpoints").toString())),
                new BadInput("resume-not-checkpoint", "--resume DIR that is no checkpoints/step-N folder", s ->
                        Call.of(train(s.config(BASE_CONFIG), "--resume", s.dir().toString()), s.dir().toString())),
                new BadInput("resume-damaged", "newest checkpoint damaged (a byte of state.bin flipped)", s -> {
                    Path cfg = s.config(BASE_CONFIG.replace("  max_steps: 1", "  max_steps: 2\n  save_every: 1"));
                    Cli.Result first = Cli.run("train", cfg.toString());
                    if (first.status() != 0) throw new IllegalStateException("setup run failed: " + first.err());
                    Path state = s.out().resolve("checkpoints/step-2/state.bin");
                    byte[] b = Files.readAllBytes(state);
                    b[b.length / 2] ^= 0x10;
                    Files.write(state, b);
                    Path checkpoints = s.out().resolve("checkpoints");
                    return Call.of(train(cfg, "--resume"), checkpoints.resolve("step-2").toString(), "state.bin",
                            checkpoints.resolve("step-1").toString());
                }));
    }
}
