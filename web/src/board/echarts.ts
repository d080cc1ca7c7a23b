// ECharts, only the parts the board draws (line and bar charts on a grid, with tooltips, as SVG):
// loaded by the board alone, on demand, so no other page pays for it.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export { echarts };
