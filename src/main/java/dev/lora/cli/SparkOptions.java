package dev.lora.cli;

import dev.lora.eval.EvalWorkers;
import dev.lora.io.InputError;
import dev.lora.spark.SparkEvaluation;
import dev.lora.spark.SparkTraining;
import dev.lora.train.StepWorkers;
import picocli.CommandLine.Option;

/** {@code --spark MASTER} and {@code --spark-model}: where train and eval spread their work (docs/distributed.md). */
final class SparkOptions {
    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Spread the work over Apache Spark: local[N] (this machine, N worker threads), spark://HOST:PORT, yarn or k8s://https://HOST:PORT (see docs/distributed.md).")
    String master;

    @Option(names = "--spark-model", paramLabel = "MODEL",
            description = "With --spark: the base model as the executors find it, a folder every node can read or a Hugging Face id (default: the folder the driver reads).")
    String executorModel;

    boolean on() {
        if (master == null && executorModel != null) throw new InputError("--spark-model needs --spark MASTER");
        if (master != null) requireSpark();
        return master != null;
    }

    /** Where training computes each step's gradient. */
    StepWorkers.Factory training() {
        return on() ? SparkTraining.on(master, executorModel, null) : StepWorkers.LOCAL;
    }

    /** Where evaluation computes losses and decodes. */
    EvalWorkers.Factory evaluation() {
        return on() ? SparkEvaluation.on(master, executorModel) : EvalWorkers.LOCAL;
    }

    /** Spark's classes come from target/spark-lib, which the launcher puts on the class path only for --spark. */
    private static void requireSpark() {
        try {
            Class.forName("org.apache.spark.SparkContext", false, SparkOptions.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InputError("--spark: Apache Spark is not on the class path; build with mvn -DskipTests package (it writes"
                    + " target/spark-lib) and start through the lora launcher, which adds Spark for --spark, or through spark-submit");
        }
    }
}
