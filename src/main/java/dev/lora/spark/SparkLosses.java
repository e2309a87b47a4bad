package dev.lora.spark;

import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The distributed loss of DatasetLoss's batches, for {@code lora train --spark}'s validation and {@code lora eval
 * --spark}: contiguous runs of batches, one per task, each task on one lent model; the batches' losses come back in
 * batch order, so the driver sums them as one process does.
 */
final class SparkLosses {
    private SparkLosses() {
    }

    static List<DatasetLoss.BatchLoss> of(JavaSparkContext spark, int tasks, List<List<Example>> batches, ModelSource source,
                                          String what) {
        if (batches.isEmpty()) return List.of();
        List<ArrayList<Example>> work = new ArrayList<>();
        for (List<Example> b : batches) work.add(new ArrayList<>(b));
        return SparkCluster.job(spark, what, () -> spark.parallelize(work, Math.min(tasks, work.size())).mapPartitions(part -> {
            if (!part.hasNext()) return Collections.emptyIterator();
            return source.withModel(m -> {
                List<DatasetLoss.BatchLoss> out = new ArrayList<>();
                part.forEachRemaining(b -> out.add(DatasetLoss.ofBatch(m, b)));
                return out.iterator();
            });
        }).collect());
    }
}
