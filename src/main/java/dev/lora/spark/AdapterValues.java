package dev.lora.spark;

import dev.lora.adapter.LoraModel;
import dev.lora.model.Param;

import java.io.Serializable;
import java.util.List;

/** The driver's trainable tensors as they travel to a task: names and current values, in the driver's order. */
record AdapterValues(List<String> names, List<Values> values) implements Serializable {
    static AdapterValues of(List<Param> trainable) {
        return new AdapterValues(trainable.stream().map(Param::name).toList(), trainable.stream().map(p -> Values.of(p.value())).toList());
    }

    /** Gives a replica these values (and zero gradients); its trainable tensors must be these, in this order. */
    void assignTo(LoraModel model) {
        List<Param> trainable = model.trainable();
        if (trainable.size() != names.size()) {
            throw new IllegalStateException("replica has " + trainable.size() + " trainable tensors, the driver " + names.size());
        }
        for (int i = 0; i < trainable.size(); i++) {
            Param p = trainable.get(i);
            if (!p.name().equals(names.get(i))) throw new IllegalStateException("replica's tensor " + i + " is " + p.name() + ", the driver's " + names.get(i));
            p.value().assign(values.get(i).toArray());
            p.zeroGrad();
        }
    }
}
