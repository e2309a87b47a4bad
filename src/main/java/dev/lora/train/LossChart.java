package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code loss.png}: training loss per step and validation loss at eval steps, from metrics.jsonl. */
final class LossChart {
    private LossChart() {
    }

    static void write(Path metrics, Path png) {
        List<Double> steps = new ArrayList<>(), loss = new ArrayList<>(), vSteps = new ArrayList<>(), vLoss = new ArrayList<>();
        for (JsonNode row : MetricsLog.read(metrics)) {
            double step = row.path("step").asDouble();
            if (row.has("loss") && Double.isFinite(row.get("loss").asDouble())) {
                steps.add(step);
                loss.add(row.get("loss").asDouble());
            }
            if (row.has("valid_loss")) {
                vSteps.add(step);
                vLoss.add(row.get("valid_loss").asDouble());
            }
        }
        if (steps.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(900).height(500).title("LoRA training").xAxisTitle("optimiser step")
                .yAxisTitle("loss").build();
        chart.getStyler().setMarkerSize(4);
        chart.addSeries("train", steps, loss).setMarker(SeriesMarkers.NONE);
        if (!vSteps.isEmpty()) chart.addSeries("valid", vSteps, vLoss).setMarker(SeriesMarkers.CIRCLE);
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
