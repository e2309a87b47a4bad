package dev.lora.reliability;

import dev.lora.reliability.BadInput.Call;

import java.util.ArrayList;
import java.util.List;

import static dev.lora.reliability.ConfigCases.train;
import static dev.lora.reliability.Scratch.BASE_CONFIG;

/** Bad command lines: values out of range, options that exclude each other, typos, missing files. */
final class OptionCases {
    private OptionCases() {
    }

    private static List<String> eval(Scratch s, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", Scratch.MODEL.toString(), "--data",
                Scratch.DATA.toString(), "--out", s.out().toString()));
        args.addAll(List.of(more));
        return args;
    }

    static List<BadInput> all() {
        return List.of(
                new BadInput("eval-limit-zero", "lora eval --limit 0", s -> Call.of(eval(s, "--limit", "0"), "--limit")),
                new BadInput("eval-limit-negative", "lora eval --limit -3", s -> Call.of(eval(s, "--limit", "-3"), "--limit")),
                new BadInput("eval-beam-zero", "lora eval --beam 0", s -> Call.of(eval(s, "--beam", "0"), "--beam")),
                new BadInput("eval-top-p-range", "lora eval --top-p 2", s -> Call.of(eval(s, "--top-p", "2"), "--top-p")),
                new BadInput("eval-temperature-zero", "lora eval --top-p 0.9 --temperature 0", s ->
                        Call.of(eval(s, "--top-p", "0.9", "--temperature", "0"), "--temperature")),
                new BadInput("eval-greedy-beam", "lora eval --greedy --beam 5", s ->
                        Call.of(eval(s, "--greedy", "--beam", "5"), "--greedy", "--beam")),
                new BadInput("eval-top-p-beam", "lora eval --top-p 0.9 --beam 5", s ->
                        Call.of(eval(s, "--top-p", "0.9", "--beam", "5"), "--top-p", "--beam")),
                new BadInput("eval-dtype", "lora eval --dtype half", s -> Call.of(eval(s, "--dtype", "half"), "--dtype", "'half'")),
                new BadInput("eval-dtype-fp8", "lora eval --dtype fp8", s -> Call.of(eval(s, "--dtype", "fp8"), "--dtype", "'fp8'")),
                new BadInput("eval-format-unknown", "lora eval --format xml", s -> Call.of(eval(s, "--format", "xml"), "--format", "'xml'")),
                new BadInput("eval-ref-num-zero", "lora eval --ref-num 0", s -> Call.of(eval(s, "--ref-num", "0"), "--ref-num")),
                new BadInput("score-metrics-unknown", "lora score --metrics bleurt", s -> Call.of(List.of("score", "--metrics",
                        "bleurt", "--references", "refs", "--predictions", "hyp"), "--metrics", "'bleurt'")),
                new BadInput("score-webnlg-short-reference", "lora score --metrics webnlg with a reference file shorter than the outputs",
                        s -> {
                            java.nio.file.Path hyp = s.write("hypothesis", "a b\nc d\n");
                            java.nio.file.Path ref = s.write("reference0", "a b\n");
                            return Call.of(List.of("score", "--metrics", "webnlg", "--references", s.dir().toString(),
                                    "--predictions", hyp.toString()), ref.toString(), "1 lines", "has 2");
                        }),
                new BadInput("not-a-number", "lora eval --limit abc", s -> Call.of(eval(s, "--limit", "abc"), "--limit", "'abc'",
                        "whole number")),
                new BadInput("unknown-command", "lora trian (a typo)", s -> Call.of(List.of("trian", "x.yaml"), "'trian'",
                        "did you mean train?")),
                new BadInput("unknown-option", "lora eval --limt 3 (a typo)", s -> Call.of(eval(s, "--limt", "3"), "'--limt'",
                        "did you mean --limit?")),
                new BadInput("set-two-words", "--set KEY VALUE instead of --set KEY=VALUE", s ->
                        Call.of(train(s.config(BASE_CONFIG), "--set", "train.lr", "1e-4"), "--set train.lr=1e-4")),
                new BadInput("score-missing-file", "lora score with a references file that does not exist", s -> {
                    String nope = s.dir().resolve("nope.txt").toString();
                    return Call.of(List.of("score", "--references", nope, "--predictions", nope), nope, "file not found");
                }),
                new BadInput("spark-unknown-master", "lora train --spark locale[2] (a typo)", s ->
                        Call.of(train(s.config(BASE_CONFIG), "--spark", "locale[2]"), "--spark locale[2]", "unknown master", "local[N]")),
                new BadInput("spark-unreachable-master", "lora train --spark spark://127.0.0.1:1 (no master there)", s ->
                        Call.of(train(s.config(BASE_CONFIG), "--spark", "spark://127.0.0.1:1"), "cannot reach the Spark master",
                                "127.0.0.1:1")),
                new BadInput("spark-model-alone", "lora train --spark-model without --spark", s ->
                        Call.of(train(s.config(BASE_CONFIG), "--spark-model", "gpt2"), "--spark-model needs --spark")),
                new BadInput("merge-dtype", "lora merge --dtype int8", s -> Call.of(List.of("merge", "--model",
                        Scratch.MODEL.toString(), "--adapter", Scratch.ADAPTER.toString(), "--out", s.out().toString(), "--dtype",
                        "int8"), "--dtype", "'int8'")));
    }
}
