package dev.lora.spark;

import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.lora.LoraModel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One task of a validation pass during Spark training: the loss of some of DatasetLoss's batches under the driver's
 * current adapter, dropout off, on a cached replica. A pure function of its fields, like {@link StepTask}.
 */
record LossTask(ReplicaSpec spec, AdapterValues adapter, List<ArrayList<Example>> batches)
        implements Serializable {

    List<DatasetLoss.BatchLoss> run() {
        try (Replicas.Lease<StepTask.Replica> lease = StepTask.replica(spec)) {
            LoraModel model = lease.model().model;
            adapter.assignTo(model);
            model.dropout().eval();
            List<DatasetLoss.BatchLoss> out = new ArrayList<>();
            for (List<Example> batch : batches) out.add(DatasetLoss.ofBatch(model.model(), batch));
            return out;
        }
    }
}
