package dev.lora.io;

import java.util.List;

/**
 * A Python object in a checkpoint that lora does not model (a torch.device, a numpy scalar, ...),
 * kept as the class that made it and the arguments it was made with, so that reading the tensors
 * beside it does not fail because of it.
 */
public record PythonObject(String className, List<Object> args) {
    @Override
    public String toString() {
        return className + args;
    }
}
